/**
 * Where an agent stands. `online`: healthy, accepting tasks; `busy`: at its
 * maxConcurrent; `degraded`: answering but failing or below its performance
 * targets; `offline`: unreachable or not yet checked (the state after registration).
 */
export const AGENT_STATUSES = ['online', 'busy', 'degraded', 'offline'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];
