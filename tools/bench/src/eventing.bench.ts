/**
 * Eventing benchmark, in the deployed shape: the writers (this process)
 * append to PostgreSQL as a service's command handlers do; the outbox relay
 * runs in its own process (as in the owning service); the projection runs in
 * another (as in the gateway). Measures events appended, published and
 * projected end to end, and the latency from append commit to projection
 * visible at a fixed rate.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Pool } from 'pg';
import { migrateEventStore, PostgresEventStore } from '@hive/event-store';
import { createTestEnvironment, startTsProcess, testCatalogue, waitFor, type RunningProcess } from '@hive/testing';
import { percentile, report } from './bench-report';

const TOTAL_EVENTS = Number(process.env['BENCH_EVENTS'] ?? 200_000);
const EVENTS_PER_APPEND = Number(process.env['BENCH_EVENTS_PER_APPEND'] ?? 50);
const WRITERS = Number(process.env['BENCH_WRITERS'] ?? 8);
const LATENCY_RATE = Number(process.env['BENCH_LATENCY_RATE'] ?? 1_000);
const LATENCY_SECONDS = Number(process.env['BENCH_LATENCY_SECONDS'] ?? 20);

const lastProjected = (child: RunningProcess): number => {
  const matches = child.output().slice(-400).match(/projected (\d+)/g);
  return matches ? Number(matches[matches.length - 1].split(' ')[1]) : 0;
};

async function main(): Promise<void> {
  const env = await createTestEnvironment();
  await env.createTopics();
  const schema = `${env.schemaPrefix}bench`;
  await migrateEventStore(env.pool, schema);
  // Writers get their own pool, sized so that appends never queue for a connection.
  const writers = new Pool({ connectionString: env.databaseUrl, max: 32 });
  const store = new PostgresEventStore({ schema, source: 'bench', catalogue: testCatalogue, topicPrefix: env.topicPrefix });
  const latencyEvents = LATENCY_RATE * LATENCY_SECONDS;
  const childEnv = env.env({ BENCH_SCHEMA: schema, BENCH_LATENCY_EVENTS: String(latencyEvents), NODE_ENV: 'production' });
  const relay = startTsProcess(path.join(__dirname, 'children/relay.child.ts'), childEnv);
  const projector = startTsProcess(path.join(__dirname, 'children/projector.child.ts'), childEnv);
  const outboxEmpty = async () => (await env.pool.query(`SELECT NOT EXISTS (SELECT 1 FROM "${schema}".outbox) AS empty`)).rows[0].empty as boolean;
  try {
    await relay.waitForOutput('relay ready', 60_000);
    await projector.waitForOutput('projector ready', 60_000);
    const meta = { expectedVersion: 'any' as const, tenant: 'bench', correlationId: 'w', causationId: null };
    await store.appendToStream(writers, 'warmup', [{ type: 'test.counter_incremented', data: { counterId: 'warmup', by: 1 } }], meta);
    await waitFor(() => lastProjected(projector) >= 1, { timeoutMs: 30_000, description: 'the warm-up event to be projected' });
    const base = lastProjected(projector);

    // 1. Throughput.
    console.log(`throughput: ${TOTAL_EVENTS} events, ${EVENTS_PER_APPEND} per append, ${WRITERS} writers`);
    const start = performance.now();
    let appended = 0;
    let nextStream = 0;
    await Promise.all(Array.from({ length: WRITERS }, async () => {
      while (appended < TOTAL_EVENTS) {
        const stream = `s-${nextStream++}`;
        const events = Array.from({ length: EVENTS_PER_APPEND }, () => ({ type: 'test.counter_incremented', data: { counterId: stream, by: 1 } }));
        appended += events.length;
        await store.appendToStream(writers, stream, events, { ...meta, expectedVersion: 0, correlationId: randomUUID() });
      }
    }));
    const appendedAt = performance.now();
    await waitFor(outboxEmpty, { timeoutMs: 300_000, intervalMs: 20, description: 'every event published' });
    const publishedAt = performance.now();
    await waitFor(() => lastProjected(projector) - base >= appended, { timeoutMs: 300_000, intervalMs: 20, description: 'every event projected' });
    const projectedAt = performance.now();
    const seconds = (t: number) => (t - start) / 1000;

    // 2. Latency at a fixed rate, one event per append.
    console.log(`latency: ${LATENCY_RATE} events/s for ${LATENCY_SECONDS} s, one event per append`);
    const latencyStart = performance.now();
    // Open loop: each append starts on schedule whatever the others do; its commit time is when it resolved.
    const committedAt = new Map<string, number>();
    const inFlight = new Set<Promise<void>>();
    for (let i = 0; i < latencyEvents; i++) {
      const wait = latencyStart + (i * 1000) / LATENCY_RATE - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      const id = randomUUID();
      const append: Promise<void> = store
        .appendToStream(writers, `lat-${i % 500}`, [{ id, type: 'test.counter_incremented', data: { counterId: `lat-${i % 500}`, by: 1 } }], { ...meta, correlationId: id })
        .then(() => void committedAt.set(id, Date.now()))
        .finally(() => inFlight.delete(append));
      inFlight.add(append);
    }
    await Promise.all(inFlight);
    const achievedRate = latencyEvents / ((performance.now() - latencyStart) / 1000);
    // Wait for the whole line: a long line arrives in several chunks.
    await projector.waitForOutput(/VISIBLE \{[^\n]*\}\n/, 60_000);
    const line = projector.output().split('\n').find((l) => l.startsWith('VISIBLE ')) ?? 'VISIBLE {}';
    const visibleAt = JSON.parse(line.slice('VISIBLE '.length)) as Record<string, number>;
    const latencies = [...committedAt].map(([id, at]) => Math.max(0, (visibleAt[id] ?? Infinity) - at)).sort((a, b) => a - b);

    report('eventing', {
      topology: 'writers, relay and projection in three processes',
      events: appended,
      eventsPerAppend: EVENTS_PER_APPEND,
      writers: WRITERS,
      appendedPerSecond: appended / seconds(appendedAt),
      publishedPerSecond: appended / seconds(publishedAt),
      endToEndProjectedPerSecond: appended / seconds(projectedAt),
      latencyTargetRate: LATENCY_RATE,
      latencyAchievedRate: achievedRate,
      commitToVisibleP50Ms: percentile(latencies, 50),
      commitToVisibleP99Ms: percentile(latencies, 99),
      commitToVisibleMaxMs: latencies[latencies.length - 1],
    });
  } finally {
    await relay.kill('SIGTERM');
    await projector.kill('SIGTERM');
    await writers.end();
    await env.cleanup();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
