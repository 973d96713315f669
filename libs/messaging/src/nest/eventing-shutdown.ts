import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { HiveEventing } from '../hive-eventing';

/**
 * Closes the relay and the pool last: consumers stop in onModuleDestroy,
 * which Nest runs for every provider before any onApplicationShutdown.
 */
@Injectable()
export class EventingShutdown implements OnApplicationShutdown {
  constructor(private readonly eventing: HiveEventing) {}

  async onApplicationShutdown(): Promise<void> {
    await this.eventing.stop();
  }
}
