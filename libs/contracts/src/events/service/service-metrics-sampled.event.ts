import { IsInt, IsNumber, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { Topics } from '../../topics/topics';
import { IsTimestamp } from '../../validation/is-timestamp.decorator';

export const SERVICE_NAME_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;

/**
 * One process sample of a Hive service instance (the Hive document's system
 * metrics), published periodically by `@hive/observability`. Usages are percentages.
 */
export class ServiceMetricsSampledData {
  /** Service name, e.g. `coordinator`. */
  @Matches(SERVICE_NAME_PATTERN, { message: 'service must be a lower-case service name' })
  service!: string;

  /** The instance within the service (HIVE_INSTANCE_ID, or host name and pid). */
  @IsString() @Length(1, 255) instanceId!: string;

  @IsTimestamp() timestamp!: string;

  /** CPU time used by the process over the sample interval, as a percentage of one core (may exceed 100). */
  @IsNumber() @Min(0) cpuUsage!: number;

  /** Resident memory of the process as a percentage of the host's memory. */
  @IsNumber() @Min(0) @Max(100) memoryUsage!: number;

  @IsInt() @Min(0) memoryRssBytes!: number;

  @IsInt() @Min(0) heapUsedBytes!: number;

  /** Mean event-loop delay over the interval. */
  @IsNumber() @Min(0) eventLoopLagMs!: number;

  /** Usage of the file system holding the working directory; absent when unknown. */
  @IsOptional() @IsNumber() @Min(0) @Max(100) diskUsage?: number;

  /** Host network receive and transmit rates over the interval; absent when unknown. */
  @IsOptional() @IsNumber() @Min(0) networkRxBytesPerSecond?: number;

  @IsOptional() @IsNumber() @Min(0) networkTxBytesPerSecond?: number;

  @IsNumber() @Min(0) uptimeSeconds!: number;
}

export const ServiceMetricsSampled = defineMessage({
  type: 'service.metrics_sampled',
  version: 1,
  kind: 'event',
  topic: Topics.serviceTelemetry.name,
  dataClass: ServiceMetricsSampledData,
  description: 'A periodic process sample (cpu, memory, disk, network) of one service instance (telemetry, not a domain event).',
});
export type ServiceMetricsSampled = MessageOf<typeof ServiceMetricsSampled>;
