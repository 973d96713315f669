import { DEFAULT_RETRY_BACKOFF, retryBackoffMs } from './retry-backoff';

describe('retryBackoffMs', () => {
  it('doubles from one second and stops at one minute by default', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((retry) => retryBackoffMs(retry))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000]);
    expect(DEFAULT_RETRY_BACKOFF).toEqual({ baseMs: 1_000, factor: 2, capMs: 60_000 });
  });

  it('follows another policy', () => {
    const policy = { baseMs: 250, factor: 3, capMs: 5_000 };
    expect([1, 2, 3, 4].map((retry) => retryBackoffMs(retry, policy))).toEqual([250, 750, 2_250, 5_000]);
  });

  it('stays at the cap for any number of retries, however large', () => {
    expect(retryBackoffMs(10_000)).toBe(60_000);
  });

  it('is the same for the same retry every time (no hidden randomness)', () => {
    expect(retryBackoffMs(3)).toBe(retryBackoffMs(3));
  });

  it('spreads the delay over its upper half with a jitter value that came with the command', () => {
    expect(retryBackoffMs(3, DEFAULT_RETRY_BACKOFF, 0)).toBe(2_000);
    expect(retryBackoffMs(3, DEFAULT_RETRY_BACKOFF, 0.5)).toBe(3_000);
    expect(retryBackoffMs(3, DEFAULT_RETRY_BACKOFF, 0.999)).toBe(3_998);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses retry %p', (retry) => {
    expect(() => retryBackoffMs(retry)).toThrow(RangeError);
  });

  it.each([-0.1, 1, Number.NaN])('refuses jitter %p', (jitter) => {
    expect(() => retryBackoffMs(1, DEFAULT_RETRY_BACKOFF, jitter)).toThrow(/jitter must be in \[0, 1\)/);
  });

  it.each([
    [{ baseMs: -1, factor: 2, capMs: 10 }],
    [{ baseMs: 100, factor: 0.5, capMs: 1_000 }],
    [{ baseMs: 100, factor: 2, capMs: 50 }],
  ])('refuses the policy %p', (policy) => {
    expect(() => retryBackoffMs(1, policy)).toThrow(/invalid backoff policy/);
  });
});
