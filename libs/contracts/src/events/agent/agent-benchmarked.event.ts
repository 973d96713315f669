import { IsBoolean, IsInt, IsNumber, IsString, Length, Matches, Min } from 'class-validator';
import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { Topics } from '../../topics/topics';
import { IsEntityId } from '../../validation/is-entity-id.decorator';
import { AGENT_ID_PATTERN } from './agent-profile.data';

export class AgentBenchmarkedData {
  @Matches(AGENT_ID_PATTERN, { message: 'agentId must be 1-63 lower-case letters, digits, "-" or "_"' })
  agentId!: string;

  /** Id of the BenchmarkAgent command's run. */
  @IsEntityId() benchmarkId!: string;

  @IsString() @Length(1, 255) model!: string;

  @IsString() @Length(1, 20000) prompt!: string;

  /** Generated tokens divided by generation time. */
  @IsNumber() @Min(0) tokensPerSecond!: number;

  /** Wall-clock time from request to the last token. */
  @IsNumber() @Min(0) latencyMs!: number;

  /** Wall-clock time from request to the first token. */
  @IsNumber() @Min(0) timeToFirstTokenMs!: number;

  @IsInt() @Min(0) promptTokens!: number;

  @IsInt() @Min(0) completionTokens!: number;

  /** Whether the result meets the agent's performance targets (minTps, maxResponseTime). */
  @IsBoolean() meetsTargets!: boolean;
}

export const AgentBenchmarked = defineMessage({
  type: 'agent.benchmarked',
  version: 1,
  kind: 'event',
  topic: Topics.agentEvents.name,
  dataClass: AgentBenchmarkedData,
  description: 'A benchmark prompt ran against an agent and its speed was measured.',
});
export type AgentBenchmarked = MessageOf<typeof AgentBenchmarked>;
