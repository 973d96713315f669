import { randomUUID } from 'node:crypto';
import { createTestEnvironment, testCatalogue, waitFor, type TestEnvironment } from '@hive/testing';
import { ConcurrencyError } from './concurrency.error';
import { PostgresEventStore } from './event-store';
import { MessageTooLargeError, migrateEventStore, startOfAll } from './index';

const increment = (counterId: string, by = 1) => ({ type: 'test.counter_incremented', data: { counterId, by } });
const meta = { tenant: 'acme', correlationId: 'c-1', causationId: null };

describe('PostgresEventStore (real PostgreSQL)', () => {
  let env: TestEnvironment;
  let store: PostgresEventStore;
  let schema: string;

  beforeAll(async () => {
    env = await createTestEnvironment();
    schema = `${env.schemaPrefix}store`;
    await migrateEventStore(env.pool, schema);
    store = new PostgresEventStore({ schema, source: 'test', catalogue: testCatalogue, topicPrefix: env.topicPrefix });
  });
  afterAll(() => env.cleanup());

  it('lets exactly one of two concurrent appends at the same expected version win', async () => {
    for (let round = 0; round < 25; round++) {
      const stream = `counter-${randomUUID()}`;
      await store.appendToStream(env.pool, stream, [increment(stream)], { ...meta, expectedVersion: 0 });
      const results = await Promise.allSettled([
        store.appendToStream(env.pool, stream, [increment(stream, 2)], { ...meta, expectedVersion: 1 }),
        store.appendToStream(env.pool, stream, [increment(stream, 3)], { ...meta, expectedVersion: 1 }),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0].reason).toBeInstanceOf(ConcurrencyError);
      expect((lost[0].reason as ConcurrencyError).actualVersion).toBe(2);
      const read = await store.readStream(env.pool, stream);
      expect(read.version).toBe(2);
      expect(read.events.map((e) => e.streamVersion)).toEqual([1, 2]);
    }
  });

  it('lets exactly one of two concurrent creations of the same stream win', async () => {
    const stream = `counter-${randomUUID()}`;
    const results = await Promise.allSettled([0, 1].map(() => store.appendToStream(env.pool, stream, [increment(stream)], { ...meta, expectedVersion: 0 })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((await store.readStream(env.pool, stream)).events).toHaveLength(1);
  });

  it('refuses an append at a stale or future version and writes nothing, outbox included', async () => {
    const stream = `counter-${randomUUID()}`;
    await store.appendToStream(env.pool, stream, [increment(stream), increment(stream)], { ...meta, expectedVersion: 0 });
    const before = await env.pool.query(`SELECT count(*)::int AS n FROM "${schema}".outbox`);
    await expect(store.appendToStream(env.pool, stream, [increment(stream)], { ...meta, expectedVersion: 1 })).rejects.toThrow('is at version 2, expected 1');
    await expect(store.appendToStream(env.pool, stream, [increment(stream)], { ...meta, expectedVersion: 5 })).rejects.toBeInstanceOf(ConcurrencyError);
    await expect(store.appendToStream(env.pool, `missing-${randomUUID()}`, [increment(stream)], { ...meta, expectedVersion: 3 })).rejects.toThrow('is at version 0, expected 3');
    const after = await env.pool.query(`SELECT count(*)::int AS n FROM "${schema}".outbox`);
    expect(after.rows[0].n).toBe(before.rows[0].n);
    expect((await store.readStream(env.pool, stream)).version).toBe(2);
  });

  it('appends at any version when asked, numbering after the current version', async () => {
    const stream = `counter-${randomUUID()}`;
    await store.appendToStream(env.pool, stream, [increment(stream)], { ...meta, expectedVersion: 'any' });
    const result = await store.appendToStream(env.pool, stream, [increment(stream), increment(stream)], { ...meta, expectedVersion: 'any' });
    expect(result.nextVersion).toBe(3);
  });

  it('writes each event to the outbox as a complete envelope on its prefixed topic', async () => {
    const stream = `counter-${randomUUID()}`;
    const { envelopes } = await store.appendToStream(env.pool, stream, [increment(stream, 7)], { ...meta, expectedVersion: 0, key: 'key-1', headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } });
    const { rows } = await env.pool.query(`SELECT topic, key, value, headers FROM "${schema}".outbox WHERE value::jsonb->>'id' = $1`, [envelopes[0].id]);
    expect(rows).toHaveLength(1);
    expect(rows[0].topic).toBe(`${env.topicPrefix}hive.system.events`);
    expect(rows[0].key).toBe('key-1');
    expect(JSON.parse(rows[0].value)).toMatchObject({ type: 'test.counter_incremented', version: 1, source: 'test', tenant: 'acme', correlationId: 'c-1', causationId: null, data: { counterId: stream, by: 7 } });
    expect(rows[0].headers).toMatchObject({ traceparent: expect.stringMatching(/^00-/), 'hive-type': 'test.counter_incremented' });
  });

  it('rejects event data that breaks its contract before writing', async () => {
    const stream = `counter-${randomUUID()}`;
    await expect(store.appendToStream(env.pool, stream, [{ type: 'test.counter_incremented', data: { counterId: stream, by: 0 } }], { ...meta, expectedVersion: 0 })).rejects.toThrow(/by must not be less than 1/);
    await expect(store.appendToStream(env.pool, stream, [{ type: 'test.unknown', data: {} }], { ...meta, expectedVersion: 0 })).rejects.toThrow(/unknown message type "test.unknown"/);
    expect((await store.readStream(env.pool, stream)).version).toBe(0);
  });

  it('refuses an event too large for Kafka before writing anything, naming its size and the limit', async () => {
    const stream = `counter-${randomUUID()}`;
    const huge = { type: 'test.counter_incremented', data: { counterId: stream, by: 1, poison: 'é'.repeat(500_000) } };
    const attempt = store.appendToStream(env.pool, stream, [huge], { ...meta, expectedVersion: 0 });
    await expect(attempt).rejects.toBeInstanceOf(MessageTooLargeError);
    await expect(attempt).rejects.toThrow(/test.counter_incremented would be a 97\d KiB message; messages may be at most 900 KiB/);
    await expect(store.appendMany(env.pool, [{ streamId: stream, expectedVersion: 0, events: [{ ...huge, meta }] }])).rejects.toBeInstanceOf(MessageTooLargeError);
    expect((await store.readStream(env.pool, stream)).version).toBe(0);
  });

  it('never lets readAll skip an event whose transaction commits late', async () => {
    const isolated = `${env.schemaPrefix}late`;
    await migrateEventStore(env.pool, isolated);
    const lateStore = new PostgresEventStore({ schema: isolated, source: 'test', catalogue: testCatalogue });
    const slow = await env.pool.connect();
    try {
      await slow.query('BEGIN');
      await lateStore.appendToStream(slow, 'slow', [increment('slow')], { ...meta, expectedVersion: 0 });
      await lateStore.appendToStream(env.pool, 'fast', [increment('fast')], { ...meta, expectedVersion: 0 });
      // The fast event is committed, but the slow transaction began first: nothing is readable yet.
      expect(await lateStore.readAll(env.pool, startOfAll, 100)).toEqual([]);
      await slow.query('COMMIT');
    } finally {
      slow.release();
    }
    // Visible once no older transaction runs anywhere in the database (other suites may be writing meanwhile).
    const all = await waitFor(async () => {
      const read = await lateStore.readAll(env.pool, startOfAll, 100);
      return read.length === 2 ? read : undefined;
    }, { timeoutMs: 15_000, description: 'both events readable' });
    expect(all.map((e) => e.streamId)).toEqual(['slow', 'fast']);
    expect(await lateStore.readAll(env.pool, all[1].cursor, 100)).toEqual([]);
  });

  describe('appendMany and readStreams (batch handlers)', () => {
    const withMeta = (counterId: string, by = 1, correlationId = 'c-1') => ({ ...increment(counterId, by), meta: { tenant: 'acme', correlationId, causationId: null } });
    const outboxCount = async () => (await env.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}".outbox`)).rows[0].n;

    it('appends to new and existing streams in one statement, each event with its own metadata, and queues the extra messages', async () => {
      const [a, b] = [`counter-${randomUUID()}`, `counter-${randomUUID()}`];
      await store.appendToStream(env.pool, b, [increment(b)], { ...meta, expectedVersion: 0 });
      const before = await outboxCount();
      const results = await store.appendMany(env.pool, [
        { streamId: a, expectedVersion: 0, events: [withMeta(a, 1, 'first'), withMeta(a, 2, 'second')] },
        { streamId: b, expectedVersion: 1, events: [withMeta(b, 5, 'third')] },
      ], [{ topic: 'hive.command.results', key: 'k', envelope: { id: randomUUID(), type: 'command.accepted', version: 1, source: 'test', tenant: 'acme', occurredAt: new Date().toISOString(), correlationId: 'x', causationId: null, data: {} } }]);
      expect(results.get(a)?.nextVersion).toBe(2);
      expect(results.get(b)?.nextVersion).toBe(2);
      const reads = await store.readStreams(env.pool, [a, b, `missing-${randomUUID()}`]);
      expect(reads.get(a)?.events.map((e) => [e.streamVersion, e.envelope.correlationId, (e.envelope.data as { by: number }).by])).toEqual([[1, 'first', 1], [2, 'second', 2]]);
      expect(reads.get(b)?.events.map((e) => e.streamVersion)).toEqual([1, 2]);
      expect([...reads.values()].map((read) => read.version)).toEqual([2, 2, 0]);
      expect(await outboxCount()).toBe(before + 4);
    });

    it('writes nothing to the outbox and throws ConcurrencyError naming the stream when one stream moved meanwhile', async () => {
      const [a, b] = [`counter-${randomUUID()}`, `counter-${randomUUID()}`];
      await store.appendToStream(env.pool, b, [increment(b), increment(b)], { ...meta, expectedVersion: 0 });
      const before = await outboxCount();
      const tx = await env.pool.connect();
      try {
        await tx.query('BEGIN');
        const attempt = store.appendMany(tx, [
          { streamId: a, expectedVersion: 0, events: [withMeta(a)] },
          { streamId: b, expectedVersion: 1, events: [withMeta(b)] },
        ]);
        await expect(attempt).rejects.toBeInstanceOf(ConcurrencyError);
        await expect(attempt).rejects.toMatchObject({ streamId: b, expectedVersion: 1, actualVersion: 2 });
        expect(await outboxCount()).toBe(before);
        await tx.query('ROLLBACK');
      } finally {
        tx.release();
      }
      expect((await store.readStream(env.pool, a)).version).toBe(0);
    });
  });
});
