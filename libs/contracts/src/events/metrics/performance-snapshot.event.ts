import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsNumber, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { Topics } from '../../topics/topics';
import { IsTimestamp } from '../../validation/is-timestamp.decorator';
import { AGENT_ID_PATTERN } from '../agent/agent-profile.data';

/** The time windows a performance snapshot carries (GET /api/metrics/performance?window=...). */
export const PERFORMANCE_WINDOWS = ['1m', '5m', '15m', '1h', '24h'] as const;
export type PerformanceWindow = (typeof PERFORMANCE_WINDOWS)[number];

/** One agent's task figures within a window. */
export class AgentWindowData {
  @Matches(AGENT_ID_PATTERN, { message: 'agentId must be 1-63 lower-case letters, digits, "-" or "_"' })
  agentId!: string;

  @IsInt() @Min(0) tasksCompleted!: number;

  @IsInt() @Min(0) tasksFailed!: number;

  @IsNumber() @Min(0) avgResponseTimeMs!: number;

  @IsNumber() @Min(0) tokensPerSecond!: number;

  @IsNumber() @Min(0) @Max(1) successRate!: number;
}

/** Task and workflow figures over [from, to). Rates are 1 / 0 when nothing finished. */
export class PerformanceWindowData {
  @IsIn(PERFORMANCE_WINDOWS) window!: PerformanceWindow;

  @IsTimestamp() from!: string;

  @IsTimestamp() to!: string;

  @IsInt() @Min(0) tasksCreated!: number;

  @IsInt() @Min(0) tasksCompleted!: number;

  /** Failed attempts (task.failed) plus timeouts. */
  @IsInt() @Min(0) tasksFailed!: number;

  @IsInt() @Min(0) retries!: number;

  /** completed / (completed + failed). */
  @IsNumber() @Min(0) @Max(1) successRate!: number;

  @IsNumber() @Min(0) @Max(1) errorRate!: number;

  /** Mean response time of the tasks completed in the window. */
  @IsNumber() @Min(0) avgResponseTimeMs!: number;

  /** Mean generation speed of the tasks completed in the window. */
  @IsNumber() @Min(0) tokensPerSecond!: number;

  @IsInt() @Min(0) completionTokens!: number;

  @IsNumber() @Min(0) completedPerMinute!: number;

  @IsInt() @Min(0) workflowExecutionsStarted!: number;

  @IsInt() @Min(0) workflowExecutionsCompleted!: number;

  @IsInt() @Min(0) workflowExecutionsFailed!: number;

  @IsArray() @ArrayMaxSize(10_000) @ValidateNested({ each: true }) @Type(() => AgentWindowData)
  agents!: AgentWindowData[];
}

/**
 * The performance monitor's windowed figures, published every few seconds so
 * the gateway can answer GET /api/metrics/performance from its own read model.
 * One snapshot covers all tenants (`tenant` absent) or one tenant.
 */
export class PerformanceSnapshotData {
  @IsTimestamp() at!: string;

  @IsOptional() @IsString() @Length(1, 128) tenant?: string;

  /** Tasks ready and waiting for an agent at `at`. */
  @IsInt() @Min(0) queueLength!: number;

  /** Tasks assigned or running at `at`. */
  @IsInt() @Min(0) activeTasks!: number;

  @IsArray() @ArrayMaxSize(PERFORMANCE_WINDOWS.length) @ValidateNested({ each: true }) @Type(() => PerformanceWindowData)
  windows!: PerformanceWindowData[];
}

export const PerformanceSnapshot = defineMessage({
  type: 'metrics.performance_snapshot',
  version: 1,
  kind: 'event',
  topic: Topics.monitorTelemetry.name,
  dataClass: PerformanceSnapshotData,
  description: 'Windowed task and workflow performance (1m, 5m, 15m, 1h, 24h), computed by the performance monitor every few seconds.',
});
export type PerformanceSnapshot = MessageOf<typeof PerformanceSnapshot>;
