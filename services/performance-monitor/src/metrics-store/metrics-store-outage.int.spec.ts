import { waitFor } from '@hive/testing';
import { PrivateVictoriaMetrics } from '../../test/private-victoria-metrics';
import { BufferedMetricsWriter } from './buffered-metrics-writer';
import { InfluxLineTransport } from './influx-line-transport';
import type { MetricPoint } from './metric-point';

const OUTAGE_MS = 30_000;
const RATE_PER_SECOND = 200;

/**
 * The writer against a real metrics store (a private VictoriaMetrics, so the
 * shared one keeps running): the store is stopped for 30 s while points keep
 * arriving at 200/s; after it comes back every point is there, exactly once.
 */
describe('metrics store outage', () => {
  let vm: PrivateVictoriaMetrics;
  let writer: BufferedMetricsWriter;

  beforeAll(async () => {
    vm = await PrivateVictoriaMetrics.start();
  });
  afterAll(async () => {
    await writer?.stop(1_000);
    await vm?.destroy();
  });

  it('loses no point while the store is down for 30 s under load', async () => {
    writer = new BufferedMetricsWriter({
      transport: new InfluxLineTransport({ url: vm.url, token: 't', org: 'hive', bucket: 'hive', timeoutMs: 2_000, maxBatchLines: 500 }),
      maxBufferedLines: 100_000, batchSize: 500, flushIntervalMs: 200, minRetryDelayMs: 100, maxRetryDelayMs: 2_000,
    });
    writer.start();
    const run = `r${Date.now().toString(36)}`;
    const start = BigInt(Date.now()) * 1_000_000n;
    let sent = 0;
    const point = (n: number): MetricPoint => ({
      measurement: 'hive_outage_test', tags: { run, lane: `l${n % 4}` }, fields: { seq: n }, timestampNs: String(start + BigInt(n) * 1_000_000n),
    });
    const load = setInterval(() => {
      for (let i = 0; i < RATE_PER_SECOND / 20; i++) writer.write([point(sent++)]);
    }, 50);

    try {
      await waitFor(() => writer.stats().written > 0 || undefined, { timeoutMs: 10_000, description: 'first points written' });
      await vm.stop();
      const stoppedAt = Date.now();
      await waitFor(() => writer.stats().failedWrites > 0 || undefined, { timeoutMs: 10_000, description: 'a failed write while the store is down' });
      await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS - (Date.now() - stoppedAt)));
      expect(writer.stats().storeReachable).toBe(false);
      expect(writer.stats().buffered).toBeGreaterThan(RATE_PER_SECOND * 25);
      await vm.start();
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    } finally {
      clearInterval(load);
    }
    await writer.drained();
    expect(writer.stats()).toMatchObject({ dropped: 0, buffered: 0, storeReachable: true });

    const series = await waitFor(async () => {
      const found = await vm.export(`hive_outage_test_seq{run="${run}"}`);
      return found.reduce((n, s) => n + s.values.length, 0) >= sent ? found : undefined;
    }, { timeoutMs: 15_000, description: `all ${sent} points exported` });
    const seen = series.flatMap((s) => s.values).sort((a, b) => a - b);
    expect(seen).toEqual(Array.from({ length: sent }, (_, i) => i));
    expect(sent).toBeGreaterThan(RATE_PER_SECOND * 30);
  }, 90_000);
});
