import { Controller, Get } from '@nestjs/common';
import { HiveEventing } from '../hive-eventing';

/** Liveness and the relay's role (active, standby or disabled). Internal port only; not behind the gateway. */
@Controller()
export class HealthController {
  constructor(private readonly eventing: HiveEventing) {}

  @Get('health')
  health(): { status: 'ok'; relay: string } {
    return { status: 'ok', relay: this.eventing.relay?.state ?? 'disabled' };
  }
}
