import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SHARED_AGENT_TENANT } from '@hive/contracts';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { RequirePermission } from '../auth/permission.decorator';
import type { Principal } from '../auth/principal';
import { ApiProblem } from '../problem/api-problem.exception';
import { ReadModelsService } from '../read-models.service';

/**
 * Rebuilds one of the gateway's read models from offset 0 (DESIGN.md: rebuild is a command, not a
 * migration). The read models are shared by every tenant, so only an admin of the platform tenant
 * may rebuild them. The rebuilding instance consumes the new generation; other instances' consumers
 * of the old one stop at their next batch.
 */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('api/admin/projections')
export class ProjectionsController {
  constructor(private readonly readModels: ReadModelsService) {}

  @Post(':name/rebuild')
  @HttpCode(202)
  @RequirePermission('projections.rebuild')
  @ApiOperation({ summary: 'Drop a read model and its checkpoints and replay it from offset 0 (admins of the platform tenant)' })
  async rebuild(@CurrentPrincipal() principal: Principal, @Param('name') name: string): Promise<{ projection: string; generation: number; status: 'rebuilding' }> {
    if (!this.readModels.names.includes(name)) {
      throw new ApiProblem('not_found', `no read model named "${name}" (the gateway has ${this.readModels.names.join(', ')})`);
    }
    if (principal.tenant !== SHARED_AGENT_TENANT) {
      throw new ApiProblem('forbidden', `read models are shared by every tenant: only an admin of the platform tenant "${SHARED_AGENT_TENANT}" may rebuild them`);
    }
    return { projection: name, generation: await this.readModels.runner.rebuild(name), status: 'rebuilding' };
  }
}
