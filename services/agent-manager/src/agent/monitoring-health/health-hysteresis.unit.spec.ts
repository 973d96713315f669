import { nextHealth, type HealthTrack } from './health-hysteresis';

const online: HealthTrack = { status: 'online', failures: 0, slow: 0 };
const run = (outcomes: Array<{ ok: boolean; responseTimeMs: number; load?: { running: number; maxConcurrent: number } }>, max?: number) =>
  outcomes.reduce<HealthTrack[]>((tracks, outcome) => [...tracks, nextHealth(tracks.at(-1) ?? online, outcome, max).track], []).map((t) => t.status);

describe('health hysteresis', () => {
  it('does not flap on one failed probe', () => {
    expect(run([{ ok: false, responseTimeMs: 0 }, { ok: true, responseTimeMs: 5 }])).toEqual(['online', 'online']);
  });

  it('goes offline after two consecutive failures and online on the first good probe', () => {
    expect(run([{ ok: false, responseTimeMs: 0 }, { ok: false, responseTimeMs: 0 }, { ok: false, responseTimeMs: 0 }, { ok: true, responseTimeMs: 5 }]))
      .toEqual(['online', 'offline', 'offline', 'online']);
  });

  it('degrades after two consecutive slow probes only, and recovers on a fast one', () => {
    expect(run([{ ok: true, responseTimeMs: 900 }, { ok: true, responseTimeMs: 5 }, { ok: true, responseTimeMs: 900 }, { ok: true, responseTimeMs: 900 }, { ok: true, responseTimeMs: 5 }], 500))
      .toEqual(['online', 'online', 'online', 'degraded', 'online']);
  });

  it('never degrades an agent without a response time target', () => {
    expect(run([{ ok: true, responseTimeMs: 90_000 }, { ok: true, responseTimeMs: 90_000 }])).toEqual(['online', 'online']);
  });

  it('is busy while running as many tasks as it may, and online again when one ends', () => {
    const load = (running: number) => ({ ok: true, responseTimeMs: 5, load: { running, maxConcurrent: 2 } });
    expect(run([load(1), load(2), load(3), load(1)])).toEqual(['online', 'busy', 'busy', 'online']);
    expect(nextHealth(online, load(2), undefined).reason).toBe('running 2 of its 2 concurrent tasks');
  });

  it('reports a slow agent as degraded rather than busy, and an unreachable one as offline', () => {
    const slowAndFull = { ok: true, responseTimeMs: 900, load: { running: 2, maxConcurrent: 2 } };
    expect(run([slowAndFull, slowAndFull], 500)).toEqual(['busy', 'degraded']);
    expect(run([{ ok: false, responseTimeMs: 0, load: { running: 2, maxConcurrent: 2 } }, { ok: false, responseTimeMs: 0 }])).toEqual(['online', 'offline']);
  });
});
