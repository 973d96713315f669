/**
 * How long a task waits before its next automatic retry: exponential, capped.
 *
 *   delay(retry) = min(capMs, baseMs * factor^(retry - 1))      retry = 1, 2, 3, ...
 *
 * Deterministic by default. The Task decider uses it without jitter: a burst
 * of tasks failing together (one agent dying) all become ready at the same
 * time, but "ready" only means "queued": the scheduler hands them out no
 * faster than agents have free slots, so the herd is absorbed by the queue,
 * not by the agents. A caller that still wants jitter passes a number in
 * [0, 1) that came in with its command ("equal jitter": the delay is spread
 * over [delay/2, delay)), so deciding twice still gives the same answer.
 */
export interface RetryBackoffPolicy {
  /** Delay before the first retry. */
  readonly baseMs: number;
  /** Growth per further retry (>= 1). */
  readonly factor: number;
  /** Upper bound of any delay. */
  readonly capMs: number;
}

/** 1 s, 2 s, 4 s, ... up to 1 min. */
export const DEFAULT_RETRY_BACKOFF: RetryBackoffPolicy = { baseMs: 1_000, factor: 2, capMs: 60_000 };

export function retryBackoffMs(retry: number, policy: RetryBackoffPolicy = DEFAULT_RETRY_BACKOFF, jitter?: number): number {
  if (!Number.isInteger(retry) || retry < 1) throw new RangeError(`retry must be an integer >= 1, got ${retry}`);
  const { baseMs, factor, capMs } = policy;
  if (!(baseMs >= 0) || !(factor >= 1) || !(capMs >= baseMs)) {
    throw new RangeError(`invalid backoff policy: baseMs ${baseMs} (>= 0), factor ${factor} (>= 1), capMs ${capMs} (>= baseMs)`);
  }
  // factor^(retry-1) overflows to Infinity for large retries; min() then yields the cap.
  const delay = Math.min(capMs, baseMs * factor ** (retry - 1));
  if (jitter === undefined) return Math.round(delay);
  if (!(jitter >= 0 && jitter < 1)) throw new RangeError(`jitter must be in [0, 1), got ${jitter}`);
  return Math.round(delay / 2 + (delay / 2) * jitter);
}
