import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsInt, IsNumber, IsString, Length, Matches, Min, ValidateNested } from 'class-validator';
import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { Topics } from '../../topics/topics';
import { IsTimestamp } from '../../validation/is-timestamp.decorator';
import { SERVICE_NAME_PATTERN } from '../service/service-metrics-sampled.event';

export class AgentCountsData {
  @IsInt() @Min(0) total!: number;
  @IsInt() @Min(0) online!: number;
  @IsInt() @Min(0) busy!: number;
  @IsInt() @Min(0) degraded!: number;
  @IsInt() @Min(0) offline!: number;
}

export class TaskCountsData {
  /** Created, waiting for dependencies. */
  @IsInt() @Min(0) waiting!: number;
  /** Ready, waiting for an agent (the queue). */
  @IsInt() @Min(0) queued!: number;
  @IsInt() @Min(0) assigned!: number;
  @IsInt() @Min(0) running!: number;
}

export class AlertCountsData {
  @IsInt() @Min(0) info!: number;
  @IsInt() @Min(0) warning!: number;
  @IsInt() @Min(0) critical!: number;
}

/** The last sample of one service instance. */
export class ServiceInstanceData {
  @Matches(SERVICE_NAME_PATTERN, { message: 'service must be a lower-case service name' })
  service!: string;

  @IsString() @Length(1, 255) instanceId!: string;

  @IsTimestamp() lastSeenAt!: string;

  /** Whether a sample arrived within three sample intervals. */
  @IsBoolean() up!: boolean;

  @IsNumber() @Min(0) cpuUsage!: number;

  @IsInt() @Min(0) memoryRssBytes!: number;
}

/** What GET /api/status/cluster shows: agents, tasks, service instances and firing alerts. */
export class ClusterSnapshotData {
  @IsTimestamp() at!: string;

  @ValidateNested() @Type(() => AgentCountsData) agents!: AgentCountsData;

  @ValidateNested() @Type(() => TaskCountsData) tasks!: TaskCountsData;

  @ValidateNested() @Type(() => AlertCountsData) alertsFiring!: AlertCountsData;

  @IsArray() @ArrayMaxSize(10_000) @ValidateNested({ each: true }) @Type(() => ServiceInstanceData)
  services!: ServiceInstanceData[];
}

export const ClusterSnapshot = defineMessage({
  type: 'metrics.cluster_snapshot',
  version: 1,
  kind: 'event',
  topic: Topics.monitorTelemetry.name,
  dataClass: ClusterSnapshotData,
  description: 'Cluster status (agents by status, tasks by state, service instances, firing alerts), computed by the performance monitor every few seconds.',
});
export type ClusterSnapshot = MessageOf<typeof ClusterSnapshot>;
