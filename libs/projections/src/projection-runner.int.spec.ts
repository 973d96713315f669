import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Producer } from 'kafkajs';
import { deadLetterTopicName, Topics } from '@hive/contracts';
import { createTestEnvironment, drainTopic, startTsProcess, testCatalogue, waitFor, type TestEnvironment } from '@hive/testing';
import { counterProjection } from '../test/counter.projection';
import { ProjectionRunner } from './projection-runner';

const envelope = (counterId: string, by: number, extra: Record<string, unknown> = {}) => ({
  id: randomUUID(), type: 'test.counter_incremented', version: 1, source: 'test', tenant: 'acme',
  occurredAt: new Date().toISOString(), correlationId: 'c', causationId: null, data: { counterId, by, ...extra },
});

describe('ProjectionRunner and CheckpointedConsumer (real PostgreSQL and Kafka)', () => {
  let env: TestEnvironment;
  let producer: Producer;
  let topic: string;

  beforeAll(async () => {
    env = await createTestEnvironment();
    await env.createTopics();
    topic = `${env.topicPrefix}${Topics.systemEvents.name}`;
    producer = env.kafka.producer();
    await producer.connect();
  });
  afterAll(async () => {
    await producer.disconnect();
    await env.cleanup();
  });

  const totals = async (schema: string) =>
    (await env.pool.query<{ counter_id: string; total: string; events: number }>(`SELECT counter_id, total, events FROM "${schema}".counters ORDER BY counter_id`)).rows;

  it('dead-letters poison and malformed messages with their error and keeps the partition flowing', async () => {
    const schema = `${env.schemaPrefix}dlq`;
    const runner = new ProjectionRunner({ kafka: env.kafka, pool: env.pool, schema, catalogue: testCatalogue, topicPrefix: env.topicPrefix, projections: [counterProjection(schema)] });
    const run = randomUUID().slice(0, 8);
    const bad = {
      malformed: '{"id": not json',
      missingFields: JSON.stringify({ type: 'test.counter_incremented', data: { counterId: 'x', by: 1 } }),
      unknownType: JSON.stringify({ ...envelope('x', 1), type: 'test.no_such_event' }),
      unknownVersion: JSON.stringify({ ...envelope('x', 1), version: 7 }),
      invalidData: JSON.stringify(envelope('x', -4)),
      poison: JSON.stringify(envelope(`poison-${run}`, 1, { poison: 'throw' })),
    };
    await producer.send({
      topic,
      messages: [
        JSON.stringify(envelope(`good-${run}`, 1)),
        ...Object.values(bad),
        JSON.stringify(envelope(`good-${run}`, 10)),
      ].map((value) => ({ partition: 0, key: `k-${run}`, value })),
    });
    await runner.start();
    try {
      await waitFor(async () => (await totals(schema)).find((row) => row.counter_id === `good-${run}` && row.total === '11'), { description: 'both good messages applied' });
    } finally {
      await runner.stop();
    }
    const letters = (await drainTopic(env.kafka, deadLetterTopicName(topic))).filter((m) => m.key === `k-${run}`);
    const errors = letters.map((m) => m.headers['hive-dlq-error']);
    expect(letters).toHaveLength(6);
    expect(errors[0]).toMatch(/not valid JSON/);
    expect(errors[1]).toMatch(/id must be a uuid.*source must be/);
    expect(errors[2]).toMatch(/unknown message type "test.no_such_event"/);
    expect(errors[3]).toMatch(/unknown version 7 of "test.counter_incremented" \(known: 1\)/);
    expect(errors[4]).toMatch(/by must not be less than 1/);
    expect(errors[5]).toMatch(/refuses poison/);
    expect(letters.map((m) => m.headers['hive-dlq-error-kind'])).toEqual(['contract', 'contract', 'contract', 'contract', 'contract', 'retries_exhausted']);
    expect(letters[5].headers['hive-dlq-attempts']).toBe('3');
    expect(letters.map((m) => m.value)).toEqual(Object.values(bad));
    expect(letters.every((m) => m.headers['hive-dlq-original-topic'] === topic && m.headers['hive-dlq-original-partition'] === '0')).toBe(true);
    expect((await totals(schema)).map((row) => row.counter_id)).toEqual([`good-${run}`]);
  }, 60_000);

  it('resumes after a SIGKILL mid-batch from its checkpoint, applying nothing twice', async () => {
    const schema = `${env.schemaPrefix}kill`;
    const counters = 7;
    const total = 6000;
    const messages = Array.from({ length: total }, (_, i) => ({ key: `kill-${i % counters}`, value: JSON.stringify(envelope(`kill-${i % counters}`, 1)) }));
    for (let i = 0; i < total; i += 1000) await producer.send({ topic, messages: messages.slice(i, i + 1000) });

    const entry = path.join(__dirname, '../test/counter-runner.process.ts');
    const processEnv = env.env({ PROJECTION_SCHEMA: schema });
    const first = startTsProcess(entry, processEnv);
    try {
      await first.waitForOutput(/applied \d+/, 30_000);
    } finally {
      await first.kill('SIGKILL');
    }
    const partial = (await totals(schema)).filter((row) => row.counter_id.startsWith('kill-')).reduce((sum, row) => sum + Number(row.total), 0);
    expect(partial).toBeLessThan(total);

    const second = startTsProcess(entry, processEnv);
    try {
      const rows = await waitFor(async () => {
        const current = (await totals(schema)).filter((row) => row.counter_id.startsWith('kill-'));
        return current.reduce((sum, row) => sum + row.events, 0) >= total ? current : undefined;
      }, { timeoutMs: 60_000, description: 'every message applied after the restart' });
      expect(rows.reduce((sum, row) => sum + Number(row.total), 0)).toBe(total);
      const perCounter = (i: number) => messages.filter((m) => m.key === `kill-${i}`).length;
      expect(rows.map((row) => row.events)).toEqual(Array.from({ length: counters }, (_, i) => perCounter(i)));
    } finally {
      await second.kill('SIGTERM');
    }
  }, 120_000);

  it('rebuilds from offset 0 to exactly the live state, row for row', async () => {
    const schema = `${env.schemaPrefix}rebuild`;
    const runner = new ProjectionRunner({ kafka: env.kafka, pool: env.pool, schema, catalogue: testCatalogue, topicPrefix: env.topicPrefix, projections: [counterProjection(schema)] });
    const run = randomUUID().slice(0, 8);
    await producer.send({ topic, messages: Array.from({ length: 500 }, (_, i) => ({ key: `r-${i % 13}`, value: JSON.stringify(envelope(`rebuild-${run}-${i % 13}`, (i % 5) + 1)) })) });
    await runner.start();
    try {
      const expectedTotal = Array.from({ length: 500 }, (_, i) => (i % 5) + 1).reduce((a, b) => a + b, 0);
      const sumOf = (rows: Array<{ counter_id: string; total: string }>) => rows.filter((r) => r.counter_id.startsWith(`rebuild-${run}`)).reduce((s, r) => s + Number(r.total), 0);
      await waitFor(async () => sumOf(await totals(schema)) === expectedTotal, { description: 'the live projection to catch up' });
      const live = await totals(schema);
      const generation = await runner.rebuild('counters');
      expect(generation).toBe(2);
      await waitFor(async () => sumOf(await totals(schema)) === expectedTotal, { description: 'the rebuilt projection to catch up' });
      // Wait for the rebuilt consumer to reach the same checkpoints as before, then compare everything.
      await waitFor(async () => JSON.stringify(await totals(schema)) === JSON.stringify(live), { description: 'the rebuilt rows to equal the live rows, row for row' });
    } finally {
      await runner.stop();
    }
  }, 60_000);
});
