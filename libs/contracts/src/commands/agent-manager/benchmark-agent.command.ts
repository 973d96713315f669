import { IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { AGENT_ID_PATTERN } from '../../events/agent/agent-profile.data';
import { Topics } from '../../topics/topics';
import { IsEntityId } from '../../validation/is-entity-id.decorator';

export class BenchmarkAgentData {
  @Matches(AGENT_ID_PATTERN, { message: 'agentId must be 1-63 lower-case letters, digits, "-" or "_"' })
  agentId!: string;

  /** Id for this run, echoed by agent.benchmarked. */
  @IsEntityId() benchmarkId!: string;

  /** Model to benchmark; the agent's registered model when absent. */
  @IsOptional() @IsString() @Length(1, 255) model?: string;

  /** Prompt to run; the agent manager's standard benchmark prompt when absent. */
  @IsOptional() @IsString() @Length(1, 20000) prompt?: string;

  /** Upper bound on generated tokens. */
  @IsOptional() @IsInt() @Min(1) @Max(8192) maxTokens?: number;
}

export const BenchmarkAgent = defineMessage({
  type: 'BenchmarkAgent',
  version: 1,
  kind: 'command',
  topic: Topics.agentManagerCommands.name,
  dataClass: BenchmarkAgentData,
  description: "Measure an agent's tokens per second and latency with a benchmark prompt.",
});
export type BenchmarkAgent = MessageOf<typeof BenchmarkAgent>;
