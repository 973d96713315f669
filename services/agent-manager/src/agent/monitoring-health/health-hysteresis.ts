import type { AgentStatus } from '@hive/contracts';

/** One probe's outcome. */
export interface ProbeOutcome {
  readonly ok: boolean;
  readonly responseTimeMs: number;
  readonly error?: string;
  /** Tasks the agent is running, and its limit: an agent at its limit is busy. */
  readonly load?: { readonly running: number; readonly maxConcurrent: number };
}

export interface HealthTrack {
  readonly status: AgentStatus;
  readonly failures: number;
  readonly slow: number;
}

export const HEALTH_THRESHOLDS = {
  /** Consecutive failed probes before an online agent is declared offline. */
  failuresToOffline: 2,
  /** Consecutive slow probes before an agent is declared degraded. */
  slowToDegraded: 2,
} as const;

/**
 * Status with hysteresis, so one slow or failed probe does not flap an
 * agent: offline after N consecutive failures, degraded after N consecutive
 * probes slower than the agent's maxResponseTime target, busy while it runs
 * as many tasks as its maxConcurrent (as seen at the probe), online again on
 * the first good probe. Pure: the monitor keeps the track per agent.
 */
export function nextHealth(track: HealthTrack, outcome: ProbeOutcome, maxResponseTimeMs: number | undefined): { track: HealthTrack; reason: string } {
  if (!outcome.ok) {
    const failures = track.failures + 1;
    const status = failures >= HEALTH_THRESHOLDS.failuresToOffline ? 'offline' : track.status;
    return { track: { status, failures, slow: 0 }, reason: `${failures} consecutive failed probes (${outcome.error ?? 'no answer'})` };
  }
  const slow = maxResponseTimeMs !== undefined && outcome.responseTimeMs > maxResponseTimeMs ? track.slow + 1 : 0;
  const degraded = slow >= HEALTH_THRESHOLDS.slowToDegraded || (slow > 0 && track.status === 'degraded');
  const busy = outcome.load !== undefined && outcome.load.running >= outcome.load.maxConcurrent;
  const status: AgentStatus = degraded ? 'degraded' : busy ? 'busy' : 'online';
  const reason = status === 'degraded'
    ? `${slow} consecutive probes slower than ${maxResponseTimeMs} ms (last ${Math.round(outcome.responseTimeMs)} ms)`
    : status === 'busy'
      ? `running ${outcome.load?.running} of its ${outcome.load?.maxConcurrent} concurrent tasks`
      : `probe answered in ${Math.round(outcome.responseTimeMs)} ms`;
  return { track: { status, failures: 0, slow }, reason };
}
