import { ArrayMaxSize, IsArray, IsBoolean, IsNumber, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { Topics } from '../../topics/topics';
import { IsTimestamp } from '../../validation/is-timestamp.decorator';
import { AGENT_ID_PATTERN } from './agent-profile.data';

/** The Hive AgentHealthCheck. Usages are percentages (0-100). */
export class AgentHealthSampledData {
  @Matches(AGENT_ID_PATTERN, { message: 'agentId must be 1-63 lower-case letters, digits, "-" or "_"' })
  agentId!: string;

  /** When the check ran. */
  @IsTimestamp() timestamp!: string;

  /** Round-trip time of the health probe. */
  @IsNumber() @Min(0) responseTimeMs!: number;

  /** Last measured generation speed; 0 when unknown. */
  @IsNumber() @Min(0) tokensPerSecond!: number;

  @IsNumber() @Min(0) @Max(100) cpuUsage!: number;

  @IsNumber() @Min(0) @Max(100) memoryUsage!: number;

  @IsNumber() @Min(0) @Max(100) gpuUsage!: number;

  /** Whether the endpoint answered the probe. */
  @IsBoolean() available!: boolean;

  @IsOptional() @IsString() @Length(1, 2000) errorMessage?: string;

  /** Models loaded in memory (Ollama `/api/ps`). */
  @IsOptional() @IsArray() @ArrayMaxSize(512) @IsString({ each: true }) @Length(1, 255, { each: true })
  loadedModels?: string[];
}

export const AgentHealthSampled = defineMessage({
  type: 'agent.health_sampled',
  version: 1,
  kind: 'event',
  topic: Topics.agentTelemetry.name,
  dataClass: AgentHealthSampledData,
  description: 'One health check of an agent (telemetry, time-bounded retention; not a domain event).',
});
export type AgentHealthSampled = MessageOf<typeof AgentHealthSampled>;
