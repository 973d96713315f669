import { waitFor } from '@hive/testing';
import { parseLine } from '../../test/line-protocol.validator';
import { BufferedMetricsWriter } from './buffered-metrics-writer';
import type { LineTransport } from './line-transport';
import type { MetricPoint } from './metric-point';

/** A store that can be taken down; it records what it accepted. */
class FakeStore implements LineTransport {
  up = true;
  accepted: string[] = [];
  requests: number[] = [];
  async send(lines: readonly string[]): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    if (!this.up) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    for (const line of lines) parseLine(line);
    this.requests.push(lines.length);
    this.accepted.push(...lines);
  }
  async close(): Promise<void> {
    this.up = false;
  }
}

const point = (n: number): MetricPoint => ({ measurement: 'hive_test', tags: { n: String(n % 3) }, fields: { n }, timestampNs: String(1_700_000_000_000_000_000n + BigInt(n)) });
const values = (lines: readonly string[]) => lines.map((l) => parseLine(l).fields['n']);

describe('BufferedMetricsWriter', () => {
  let writer: BufferedMetricsWriter | undefined;
  afterEach(async () => writer?.stop(100));

  it('batches by size and by time', async () => {
    const store = new FakeStore();
    writer = new BufferedMetricsWriter({ transport: store, maxBufferedLines: 1_000, batchSize: 10, flushIntervalMs: 50, minRetryDelayMs: 5 });
    writer.start();
    writer.write(Array.from({ length: 25 }, (_, i) => point(i)));
    await waitFor(() => store.accepted.length === 25, { timeoutMs: 2_000, description: 'all 25 points written' });
    expect(store.requests).toEqual([10, 10, 5]);
    expect(values(store.accepted)).toEqual(Array.from({ length: 25 }, (_, i) => i));
  });

  it('keeps every point through an outage and writes them in order when the store returns', async () => {
    const store = new FakeStore();
    writer = new BufferedMetricsWriter({ transport: store, maxBufferedLines: 10_000, batchSize: 50, flushIntervalMs: 10, minRetryDelayMs: 5, maxRetryDelayMs: 20 });
    writer.start();
    writer.write([point(0)]);
    await waitFor(() => store.accepted.length === 1, { timeoutMs: 2_000, description: 'the first point written' });
    store.up = false;
    for (let i = 1; i <= 500; i++) writer.write([point(i)]);
    await waitFor(() => (writer?.stats().failedWrites ?? 0) >= 3, { timeoutMs: 2_000, description: 'three failed writes' });
    expect(writer.stats()).toMatchObject({ storeReachable: false, buffered: 500, dropped: 0 });
    store.up = true;
    await writer.drained();
    expect(values(store.accepted)).toEqual(Array.from({ length: 501 }, (_, i) => i));
    expect(writer.stats()).toMatchObject({ storeReachable: true, buffered: 0, written: 501, dropped: 0 });
  });

  it('drops the oldest points beyond its bound, counts them, and keeps the newest', async () => {
    const store = new FakeStore();
    store.up = false;
    const dropped: number[] = [];
    writer = new BufferedMetricsWriter({ transport: store, maxBufferedLines: 100, batchSize: 10, flushIntervalMs: 10, minRetryDelayMs: 5, maxRetryDelayMs: 10, onDropped: (n) => dropped.push(n) });
    writer.start();
    for (let i = 0; i < 250; i++) writer.write([point(i)]);
    expect(writer.stats()).toMatchObject({ buffered: 100, dropped: 150 });
    expect(dropped.reduce((a, b) => a + b, 0)).toBe(150);
    store.up = true;
    await writer.drained();
    expect(values(store.accepted)).toEqual(Array.from({ length: 100 }, (_, i) => 150 + i));
  });
});
