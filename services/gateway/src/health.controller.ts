import { Controller, Get } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PublicRoute } from './auth/permission.decorator';

/** Liveness for the orchestrator; public because it says nothing about any tenant. */
@ApiExcludeController()
@Controller()
export class GatewayHealthController {
  @Get('health')
  @PublicRoute()
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
