import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { PERFORMANCE_WINDOWS, type ClusterSnapshotData, type PerformanceSnapshotData, type PerformanceWindow } from '@hive/contracts';
import { AgentsReadModel } from '../agents/agents.read-model';
import { AlertsReadModel } from '../alerts/alerts.read-model';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { RequirePermission } from '../auth/permission.decorator';
import type { Principal } from '../auth/principal';
import { ExecutionsReadModel } from '../executions/executions.read-model';
import { TasksReadModel } from '../tasks/tasks.read-model';
import { MonitorSnapshotsReadModel } from './monitor-snapshots.read-model';

export class PerformanceQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 10080, default: 60, description: 'Window in minutes, from the gateway\'s own task read model' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(10080) minutes?: number;

  @ApiPropertyOptional({ enum: PERFORMANCE_WINDOWS, description: 'One of the performance monitor\'s windows: its figures (queue length, active tasks, success and error rates, tokens/s, response time, per agent) for the caller\'s tenant' })
  @IsOptional() @IsIn(PERFORMANCE_WINDOWS) window?: PerformanceWindow;
}

/** The monitor publishes every MONITOR_INTERVAL_MS (5 s): a snapshot older than three intervals is not current. */
const SNAPSHOT_STALE_MS = 15_000;

@ApiTags('status')
@ApiBearerAuth()
@Controller('api')
export class StatusController {
  constructor(
    private readonly agents: AgentsReadModel,
    private readonly tasks: TasksReadModel,
    private readonly executions: ExecutionsReadModel,
    private readonly alerts: AlertsReadModel,
    private readonly snapshots: MonitorSnapshotsReadModel,
  ) {}

  @Get('status/cluster')
  @RequirePermission('status.view')
  @ApiOperation({ summary: "Overall cluster status, as the caller's tenant sees it" })
  async cluster(@CurrentPrincipal() principal: Principal): Promise<Record<string, unknown>> {
    const [agents, tasks, executions, alerts, cluster] = await Promise.all([
      this.agents.countsByStatus(principal.tenant), this.tasks.countsByStatus(principal.tenant),
      this.executions.countsByStatus(principal.tenant), this.alerts.firingBySeverity(principal.tenant),
      this.snapshots.latest<ClusterSnapshotData>('cluster', SNAPSHOT_STALE_MS),
    ]);
    const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
    const healthy = (agents['online'] ?? 0) + (agents['busy'] ?? 0);
    return {
      status: (alerts['critical'] ?? 0) > 0 ? 'critical' : sum(agents) > 0 && healthy === 0 ? 'degraded' : (alerts['warning'] ?? 0) > 0 ? 'warning' : 'ok',
      agents: { total: sum(agents), byStatus: agents },
      tasks: { total: sum(tasks), byStatus: tasks, queued: (tasks['pending'] ?? 0) + (tasks['ready'] ?? 0) + (tasks['retry_scheduled'] ?? 0) },
      executions: { total: sum(executions), byStatus: executions },
      alerts: { firing: sum(alerts), bySeverity: alerts },
      // The platform as the performance monitor last saw it: every service instance with its last
      // process sample, and the platform's firing alerts (none of the caller's tenant data).
      monitor: cluster
        ? { at: cluster.at, stale: cluster.stale, services: cluster.data.services, alertsFiring: cluster.data.alertsFiring }
        : { at: null, stale: true, services: [], alertsFiring: null },
      at: new Date().toISOString(),
    };
  }

  @Get('metrics/performance')
  @RequirePermission('metrics.view')
  @ApiOperation({ summary: 'Task throughput, tokens per second and response times, overall and per agent' })
  async performance(@CurrentPrincipal() principal: Principal, @Query() query: PerformanceQueryDto): Promise<Record<string, unknown>> {
    if (query.window !== undefined) {
      const snapshot = await this.snapshots.latest<PerformanceSnapshotData>(`performance:${principal.tenant}`, SNAPSHOT_STALE_MS);
      const window = snapshot?.data.windows.find((candidate) => candidate.window === query.window);
      return {
        window: query.window, source: 'performance-monitor', at: snapshot?.at ?? null, stale: snapshot?.stale ?? true,
        queueLength: snapshot?.data.queueLength ?? 0, activeTasks: snapshot?.data.activeTasks ?? 0, figures: window ?? null,
      };
    }
    const minutes = query.minutes ?? 60;
    return { windowMinutes: minutes, ...(await this.tasks.performance(principal.tenant, minutes)), at: new Date().toISOString() };
  }
}
