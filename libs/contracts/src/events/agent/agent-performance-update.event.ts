import { IsInt, IsNumber, Matches, Max, Min } from 'class-validator';
import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { Topics } from '../../topics/topics';
import { IsTimestamp } from '../../validation/is-timestamp.decorator';
import { AGENT_ID_PATTERN } from './agent-profile.data';

/** An agent's task figures over one window [windowStart, windowEnd). */
export class AgentPerformanceUpdateData {
  @Matches(AGENT_ID_PATTERN, { message: 'agentId must be 1-63 lower-case letters, digits, "-" or "_"' })
  agentId!: string;

  @IsTimestamp() windowStart!: string;

  @IsTimestamp() windowEnd!: string;

  /** Mean generation speed of the tasks completed in the window. */
  @IsNumber() @Min(0) tokensPerSecond!: number;

  /** Mean response time of the tasks completed in the window. */
  @IsNumber() @Min(0) responseTimeMs!: number;

  /** Tasks running on the agent at windowEnd. */
  @IsInt() @Min(0) activeTasks!: number;

  /** Tasks assigned to the agent but not started at windowEnd. */
  @IsInt() @Min(0) queueLength!: number;

  @IsInt() @Min(0) tasksCompleted!: number;

  @IsInt() @Min(0) tasksFailed!: number;

  /** tasksCompleted / (tasksCompleted + tasksFailed), 1 when nothing finished. */
  @IsNumber() @Min(0) @Max(1) successRate!: number;

  /** 1 - successRate. */
  @IsNumber() @Min(0) @Max(1) errorRate!: number;

  /** Retries scheduled in the window for tasks that ran on the agent. */
  @IsInt() @Min(0) retryCount!: number;
}

/**
 * Periodic figures, so they travel on the telemetry topic (time-bounded
 * retention) rather than on the forever-kept agent event topic.
 */
export const AgentPerformanceUpdate = defineMessage({
  type: 'agent.performance_update',
  version: 1,
  kind: 'event',
  topic: Topics.agentTelemetry.name,
  dataClass: AgentPerformanceUpdateData,
  description: "An agent's task performance over the last window (tokens per second, response time, load, success rate).",
});
export type AgentPerformanceUpdate = MessageOf<typeof AgentPerformanceUpdate>;
