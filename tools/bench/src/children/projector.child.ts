// A projection as it runs in a reading service (the gateway): its own process.
// Prints progress lines the benchmark reads, and when each event whose
// counter starts with "lat-" became visible (Date.now() after the projection's
// commit), for the benchmark to compare with when its append committed.
import { Pool } from 'pg';
import { createKafka } from '@hive/messaging';
import { ProjectionRunner } from '@hive/projections';
import { testCatalogue } from '@hive/testing';
import { streamCountsProjection } from './stream-counts.projection';

const schema = process.env['BENCH_SCHEMA'] ?? '';
const pool = new Pool({ connectionString: process.env['DATABASE_URL'], max: 6 });
let projected = 0;
const visibleAt: Record<string, number> = {};
let latencyEvents = 0;
const runner = new ProjectionRunner({
  kafka: createKafka({ brokers: (process.env['KAFKA_BROKERS'] ?? '').split(','), clientId: 'bench-projector' }),
  pool,
  schema,
  catalogue: testCatalogue,
  topicPrefix: process.env['HIVE_TOPIC_PREFIX'],
  projections: [streamCountsProjection(schema)],
  afterCommit: (_, messages) => {
    const now = Date.now();
    projected += messages.length;
    for (const { envelope } of messages) {
      if ((envelope.data as { counterId: string }).counterId.startsWith('lat-')) {
        visibleAt[envelope.id] = now;
        latencyEvents++;
      }
    }
  },
});
void runner.start().then(() => console.log('projector ready'));
const progress = setInterval(() => console.log(`projected ${projected} latency-events ${latencyEvents}`), 20);
const expectedLatencies = Number(process.env['BENCH_LATENCY_EVENTS'] ?? 0);
const reportLatencies = setInterval(() => {
  if (expectedLatencies === 0 || latencyEvents < expectedLatencies) return;
  clearInterval(reportLatencies);
  console.log(`VISIBLE ${JSON.stringify(visibleAt)}`);
}, 20);
process.on('SIGTERM', () => {
  clearInterval(progress);
  clearInterval(reportLatencies);
  void runner.stop().then(() => pool.end()).then(() => process.exit(0));
});
