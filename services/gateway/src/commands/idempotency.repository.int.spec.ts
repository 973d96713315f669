import type { HiveEventing } from '@hive/messaging';
import { createTestEnvironment, type TestEnvironment } from '@hive/testing';
import { IdempotencyRepository } from './idempotency.repository';

describe('IdempotencyRepository (PostgreSQL)', () => {
  let env: TestEnvironment;
  let keys: IdempotencyRepository;

  beforeAll(async () => {
    env = await createTestEnvironment();
    keys = new IdempotencyRepository({ pool: env.pool, schema: `${env.schemaPrefix}gateway` } as HiveEventing);
    await keys.onModuleInit();
  });
  afterAll(() => env.cleanup());

  it('reserves a key once per tenant, replays its outcome, and refuses it for another request', async () => {
    expect(await keys.reserve('acme', 'k1', 'f1', 'c1', 10_000)).toEqual({ kind: 'new' });
    expect(await keys.reserve('globex', 'k1', 'f1', 'c9', 10_000)).toEqual({ kind: 'new' });
    await keys.markSent('acme', 'k1');
    expect(await keys.reserve('acme', 'k1', 'f1', 'c2', 10_000)).toEqual({ kind: 'pending', commandId: 'c1' });
    expect(await keys.reserve('acme', 'k1', 'other', 'c2', 10_000)).toEqual({ kind: 'mismatch' });
    await keys.complete('acme', 'k1', { status: 201, body: { id: 't1' } });
    expect(await keys.reserve('acme', 'k1', 'f1', 'c3', 10_000)).toEqual({ kind: 'done', response: { status: 201, body: { id: 't1' } } });
  });

  it('takes over a reservation whose command was never sent once it is stale, but not a sent one', async () => {
    expect(await keys.reserve('acme', 'k2', 'f', 'lost', 10_000)).toEqual({ kind: 'new' });
    expect(await keys.reserve('acme', 'k2', 'f', 'c2', 10_000)).toEqual({ kind: 'pending', commandId: 'lost' });
    // Its instance died before sending: after the staleness bound a retry sends afresh.
    await env.pool.query(`UPDATE "${env.schemaPrefix}gateway".idempotency_keys SET created_at = now() - interval '1 minute' WHERE key = 'k2'`);
    expect(await keys.reserve('acme', 'k2', 'f', 'c3', 10_000)).toEqual({ kind: 'new' });
    await keys.markSent('acme', 'k2');
    await env.pool.query(`UPDATE "${env.schemaPrefix}gateway".idempotency_keys SET created_at = now() - interval '1 minute' WHERE key = 'k2'`);
    expect(await keys.reserve('acme', 'k2', 'f', 'c4', 10_000)).toEqual({ kind: 'pending', commandId: 'c3' });
  });
});
