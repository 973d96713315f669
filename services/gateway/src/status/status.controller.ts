import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { AgentsReadModel } from '../agents/agents.read-model';
import { AlertsReadModel } from '../alerts/alerts.read-model';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { RequirePermission } from '../auth/permission.decorator';
import type { Principal } from '../auth/principal';
import { ExecutionsReadModel } from '../executions/executions.read-model';
import { TasksReadModel } from '../tasks/tasks.read-model';

export class PerformanceQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 10080, default: 60, description: 'Window in minutes' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(10080) minutes?: number;
}

@ApiTags('status')
@ApiBearerAuth()
@Controller('api')
export class StatusController {
  constructor(
    private readonly agents: AgentsReadModel,
    private readonly tasks: TasksReadModel,
    private readonly executions: ExecutionsReadModel,
    private readonly alerts: AlertsReadModel,
  ) {}

  @Get('status/cluster')
  @RequirePermission('status.view')
  @ApiOperation({ summary: "Overall cluster status, as the caller's tenant sees it" })
  async cluster(@CurrentPrincipal() principal: Principal): Promise<Record<string, unknown>> {
    const [agents, tasks, executions, alerts] = await Promise.all([
      this.agents.countsByStatus(principal.tenant), this.tasks.countsByStatus(principal.tenant),
      this.executions.countsByStatus(principal.tenant), this.alerts.firingBySeverity(principal.tenant),
    ]);
    const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
    const healthy = (agents['online'] ?? 0) + (agents['busy'] ?? 0);
    return {
      status: (alerts['critical'] ?? 0) > 0 ? 'critical' : sum(agents) > 0 && healthy === 0 ? 'degraded' : (alerts['warning'] ?? 0) > 0 ? 'warning' : 'ok',
      agents: { total: sum(agents), byStatus: agents },
      tasks: { total: sum(tasks), byStatus: tasks, queued: (tasks['pending'] ?? 0) + (tasks['ready'] ?? 0) + (tasks['retry_scheduled'] ?? 0) },
      executions: { total: sum(executions), byStatus: executions },
      alerts: { firing: sum(alerts), bySeverity: alerts },
      at: new Date().toISOString(),
    };
  }

  @Get('metrics/performance')
  @RequirePermission('metrics.view')
  @ApiOperation({ summary: 'Task throughput, tokens per second and response times, overall and per agent' })
  async performance(@CurrentPrincipal() principal: Principal, @Query() query: PerformanceQueryDto): Promise<Record<string, unknown>> {
    const minutes = query.minutes ?? 60;
    return { windowMinutes: minutes, ...(await this.tasks.performance(principal.tenant, minutes)), at: new Date().toISOString() };
  }
}
