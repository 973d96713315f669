import { createTestEnvironment, waitFor, type TestEnvironment } from '@hive/testing';
import { DurableTimers, type Timer } from './durable-timers';

describe('DurableTimers (real PostgreSQL)', () => {
  let env: TestEnvironment;
  const running: DurableTimers[] = [];

  beforeAll(async () => {
    env = await createTestEnvironment();
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((timers) => timers.stop()));
  });
  afterAll(() => env.cleanup());

  const setup = async (name: string) => {
    const schema = `${env.schemaPrefix}${name}`;
    await DurableTimers.migrate(env.pool, schema);
    await env.pool.query(`CREATE TABLE "${schema}".fired (id text, fired_at timestamptz DEFAULT clock_timestamp())`);
    const instance = () => {
      const timers = new DurableTimers({
        pool: env.pool, connectionString: env.databaseUrl, schema, leaseRetryMs: 100,
        onFire: async (due: readonly Timer[], tx) => {
          await tx.query(`INSERT INTO "${schema}".fired (id) SELECT unnest($1::text[])`, [due.map((t) => t.id)]);
        },
      });
      running.push(timers);
      return timers;
    };
    const fired = async () => (await env.pool.query<{ id: string; late_ms: number }>(`SELECT id FROM "${schema}".fired ORDER BY fired_at, id`)).rows.map((r) => r.id);
    return { schema, instance, fired };
  };

  it('fires each timer once, in due order, not before it is due', async () => {
    const { instance, fired } = await setup('order');
    const timers = instance();
    timers.start();
    const now = Date.now();
    await timers.schedule(env.pool, [
      { id: 'c', kind: 'test', dueAt: new Date(now + 400), payload: {} },
      { id: 'a', kind: 'test', dueAt: new Date(now + 100), payload: {} },
      { id: 'b', kind: 'test', dueAt: new Date(now + 250), payload: {} },
    ]);
    expect(await fired()).toEqual([]);
    await waitFor(async () => (await fired()).length === 3, { description: 'all three timers to fire' });
    expect(Date.now() - now).toBeGreaterThanOrEqual(400);
    expect(await fired()).toEqual(['a', 'b', 'c']);
  });

  it('moves a rescheduled timer and forgets a cancelled one', async () => {
    const { instance, fired } = await setup('move');
    const timers = instance();
    timers.start();
    const now = Date.now();
    await timers.schedule(env.pool, [{ id: 'moved', kind: 'test', dueAt: new Date(now + 100), payload: {} }, { id: 'gone', kind: 'test', dueAt: new Date(now + 100), payload: {} }]);
    await timers.schedule(env.pool, [{ id: 'moved', kind: 'test', dueAt: new Date(now + 300), payload: {} }, { id: 'marker', kind: 'test', dueAt: new Date(now + 500), payload: {} }]);
    await timers.cancel(env.pool, ['gone']);
    await waitFor(async () => (await fired()).includes('marker'), { description: 'the marker timer' });
    expect(await fired()).toEqual(['moved', 'marker']);
  });

  it('survives a restart: timers scheduled while no instance runs fire when one starts', async () => {
    const { instance, fired } = await setup('restart');
    const first = instance();
    first.start();
    await first.stop();
    await first.schedule(env.pool, [{ id: 'while-down', kind: 'test', dueAt: new Date(Date.now() + 50), payload: { n: 1 } }]);
    const second = instance();
    second.start();
    await waitFor(async () => (await fired()).length === 1, { description: 'the timer to fire after the restart' });
    expect(await fired()).toEqual(['while-down']);
  });

  it('fires each timer exactly once with two instances competing', async () => {
    const { instance, fired } = await setup('two');
    const [one, two] = [instance(), instance()];
    one.start();
    two.start();
    const now = Date.now();
    await one.schedule(env.pool, Array.from({ length: 200 }, (_, i) => ({ id: `t-${String(i).padStart(3, '0')}`, kind: 'test', dueAt: new Date(now + (i % 20) * 10), payload: {} })));
    await waitFor(async () => (await fired()).length >= 200, { description: '200 timers to fire' });
    const ids = await fired();
    expect(ids).toHaveLength(200);
    expect(new Set(ids).size).toBe(200);
    expect(one.firedCount + two.firedCount).toBe(200);
    expect(Math.min(one.firedCount, two.firedCount)).toBe(0);
  });
});
