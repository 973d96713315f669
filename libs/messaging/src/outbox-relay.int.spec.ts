import path from 'node:path';
import type { Pool } from 'pg';
import { Topics } from '@hive/contracts';
import { migrateEventStore, PostgresEventStore } from '@hive/event-store';
import { createTestEnvironment, drainTopic, startTsProcess, testCatalogue, waitFor, type TestEnvironment } from '@hive/testing';
import { OutboxRelay } from './outbox-relay';

const increment = (counterId: string, by: number) => ({ type: 'test.counter_incremented', data: { counterId, by } });
const meta = { tenant: 'acme', correlationId: 'c', causationId: null };

async function outboxSize(pool: Pool, schema: string): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}".outbox`);
  return rows[0].n;
}

describe('OutboxRelay (real PostgreSQL and Kafka)', () => {
  let env: TestEnvironment;
  const relays: OutboxRelay[] = [];

  beforeAll(async () => {
    env = await createTestEnvironment();
    await env.createTopics();
  });
  afterEach(async () => {
    await Promise.all(relays.splice(0).map((relay) => relay.stop()));
  });
  afterAll(() => env.cleanup());

  const setup = async (name: string) => {
    const schema = `${env.schemaPrefix}${name}`;
    await migrateEventStore(env.pool, schema);
    const store = new PostgresEventStore({ schema, source: 'test', catalogue: testCatalogue, topicPrefix: env.topicPrefix });
    const relay = (pool: Pool = env.pool) => {
      const instance = new OutboxRelay({ kafka: env.kafka, pool, connectionString: env.databaseUrl, schema, topicPrefix: env.topicPrefix, leaseRetryMs: 100 });
      relays.push(instance);
      instance.start();
      return instance;
    };
    return { schema, store, relay };
  };

  it('publishes committed events in stream order and never a rolled-back one', async () => {
    const { schema, store, relay } = await setup('order');
    relay();
    for (let i = 1; i <= 50; i++) await store.appendToStream(env.pool, 'counter-a', [increment('a', i)], { ...meta, expectedVersion: i - 1 });
    const rolledBack = await env.pool.connect();
    await rolledBack.query('BEGIN');
    await store.appendToStream(rolledBack, 'counter-b', [increment('b', 999)], { ...meta, expectedVersion: 0 });
    await rolledBack.query('ROLLBACK');
    rolledBack.release();
    await waitFor(async () => (await outboxSize(env.pool, schema)) === 0, { description: 'the outbox to empty' });

    const topic = `${env.topicPrefix}${Topics.systemEvents.name}`;
    const messages = (await drainTopic(env.kafka, topic)).filter((m) => m.headers['hive-type'] === 'test.counter_incremented');
    const published = messages.map((m) => JSON.parse(m.value ?? '{}'));
    expect(published.filter((e) => e.data.counterId === 'b')).toEqual([]);
    expect(published.map((e) => e.data.by)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(new Set(messages.map((m) => m.key))).toEqual(new Set(['counter-a']));
  });

  it('does not wait for an unrelated transaction still open elsewhere, and publishes that one\'s rows after it commits', async () => {
    const { schema, store, relay } = await setup('noxmin');
    relay();
    // A long transaction that began first (it holds an older transaction id) and writes to the outbox late.
    const slow = await env.pool.connect();
    await slow.query('BEGIN');
    await store.appendToStream(slow, 'counter-slow', [increment('slow', 1)], { ...meta, expectedVersion: 0 });
    await store.appendToStream(env.pool, 'counter-fast', [increment('fast', 1)], { ...meta, expectedVersion: 0 });
    const topic = `${env.topicPrefix}${Topics.systemEvents.name}`;
    const keys = async () => (await drainTopic(env.kafka, topic)).map((m) => m.key);
    await waitFor(async () => (await keys()).includes('counter-fast') || undefined, { timeoutMs: 10_000, description: 'the fast event published while the slow transaction is open' });
    expect(await keys()).not.toContain('counter-slow');
    await slow.query('COMMIT');
    slow.release();
    await waitFor(async () => (await outboxSize(env.pool, schema)) === 0, { description: 'the slow event published after its commit' });
    // Each exactly once (the two keys may sit on different partitions, so no order between them is read here).
    expect((await keys()).filter((key) => key === 'counter-slow' || key === 'counter-fast').sort()).toEqual(['counter-fast', 'counter-slow']);
  });

  it('publishes a backlog of one key larger than the broker takes in one record batch, in several batches', async () => {
    // 1,500 events of ~1 KB under one key go to one partition: as one batch they exceed message.max.bytes (1 MiB).
    const { schema, store, relay } = await setup('bytes');
    const padding = 'x'.repeat(900);
    const events = Array.from({ length: 1_500 }, (_, i) => ({ type: 'test.counter_incremented', data: { counterId: 'big', by: i + 1, poison: padding } }));
    await store.appendToStream(env.pool, 'counter-big', events, { ...meta, expectedVersion: 0 });
    relay();
    await waitFor(async () => (await outboxSize(env.pool, schema)) === 0, { description: 'the outbox to empty', timeoutMs: 30_000 });
    const topic = `${env.topicPrefix}${Topics.systemEvents.name}`;
    const published = (await drainTopic(env.kafka, topic)).filter((m) => m.key === 'counter-big').map((m) => JSON.parse(m.value ?? '{}').data.by);
    expect(published).toEqual(Array.from({ length: 1_500 }, (_, i) => i + 1));
  }, 60_000);

  it('publishes exactly once when the relay dies after the Kafka commit and before the outbox delete', async () => {
    const { schema, store, relay } = await setup('crashwindow');
    // The first DELETE of published rows fails as a crash would: the next holder must not publish them again.
    let failed = false;
    const flaky = new Proxy(env.pool, {
      get(target, prop, receiver) {
        if (prop === 'query') {
          return (text: unknown, ...rest: unknown[]) => {
            if (!failed && typeof text === 'string' && text.startsWith('DELETE') && text.includes('ANY')) {
              failed = true;
              return Promise.reject(new Error('simulated crash before delete'));
            }
            return (target.query as (...args: unknown[]) => unknown).call(target, text, ...rest);
          };
        }
        return Reflect.get(target, prop, receiver);
      },
    }) as Pool;
    for (let i = 1; i <= 20; i++) await store.appendToStream(env.pool, `c-${i}`, [increment(`c-${i}`, 1)], { ...meta, expectedVersion: 0 });
    relay(flaky);
    await waitFor(async () => failed && (await outboxSize(env.pool, schema)) === 0, { description: 'the relay to recover and empty the outbox' });
    const topic = `${env.topicPrefix}${Topics.systemEvents.name}`;
    const ids = (await drainTopic(env.kafka, topic)).filter((m) => (m.key ?? '').startsWith('c-')).map((m) => JSON.parse(m.value ?? '{}').id as string);
    expect(ids).toHaveLength(20);
    expect(new Set(ids).size).toBe(20);
  });

  it('after SIGKILLs of the relay process under load, every committed event is published exactly once', async () => {
    const { schema, store } = await setup('sigkill');
    const entry = path.join(__dirname, '../test/relay.process.ts');
    const processEnv = env.env({ RELAY_SCHEMA: schema, RELAY_BATCH_SIZE: '50' });
    let writing = true;
    let appended = 0;
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        await store.appendToStream(env.pool, `k-${i % 40}`, [increment(`k-${i % 40}`, 1)], { ...meta, expectedVersion: 'any' });
        appended++;
      }
    })();
    try {
      for (let round = 0; round < 3; round++) {
        const relayProcess = startTsProcess(entry, processEnv);
        try {
          await relayProcess.waitForOutput('relay active');
          const before = appended;
          await waitFor(() => appended > before + 200, { description: 'more appends while the relay runs' });
        } finally {
          await relayProcess.kill('SIGKILL');
        }
      }
    } finally {
      writing = false;
      await writer;
    }
    const final = startTsProcess(entry, processEnv);
    await final.waitForOutput('relay active');
    await waitFor(async () => (await outboxSize(env.pool, schema)) === 0, { timeoutMs: 30_000, description: 'the final relay to empty the outbox' });
    await final.kill('SIGTERM');

    const committed = await env.pool.query<{ id: string }>(`SELECT id::text FROM "${schema}".events`);
    const topic = `${env.topicPrefix}${Topics.systemEvents.name}`;
    const published = (await drainTopic(env.kafka, topic)).filter((m) => (m.key ?? '').startsWith('k-')).map((m) => JSON.parse(m.value ?? '{}').id as string);
    expect(committed.rows.length).toBe(appended);
    expect(published.length).toBe(committed.rows.length);
    expect(new Set(published)).toEqual(new Set(committed.rows.map((r) => r.id)));
  }, 120_000);

  it('keeps one active relay per schema and hands over when the holder stops', async () => {
    const { store, relay, schema } = await setup('lease');
    const first = relay();
    await waitFor(() => first.state === 'active', { description: 'the first relay to take the lease' });
    const second = relay();
    await waitFor(() => second.state === 'standby', { description: 'the second relay to stand by' });
    await first.stop();
    await waitFor(() => second.state === 'active', { description: 'the standby to take over' });
    await store.appendToStream(env.pool, 'after-handover', [increment('h', 1)], { ...meta, expectedVersion: 0 });
    await waitFor(async () => (await outboxSize(env.pool, schema)) === 0, { description: 'the new holder to publish' });
    expect(second.publishedCount).toBe(1);
  });
});
