import { nextHealth, type HealthTrack } from './health-hysteresis';

const online: HealthTrack = { status: 'online', failures: 0, slow: 0 };
const run = (outcomes: Array<{ ok: boolean; responseTimeMs: number }>, max?: number) =>
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
});
