import type { Pool, PoolClient } from 'pg';
import type { CreateTaskData } from '@hive/contracts';
import { hiveCatalogue } from '@hive/contracts';
import { DurableTimers, migrateEventStore, PostgresEventStore } from '@hive/event-store';
import { createTestEnvironment, waitFor, type TestEnvironment } from '@hive/testing';
import { TaskCommandHandler, type TaskBatchItem } from './task-command.handler';
import { TaskReadModel } from './task-read-model';

/**
 * The command handler's follow-ups against the real PostgreSQL, where two
 * coordinator instances run commands for different tasks at the same time.
 */
describe('TaskCommandHandler (real PostgreSQL, concurrent transactions)', () => {
  let env: TestEnvironment;
  let schema: string;
  let tasks: TaskReadModel;
  let handler: TaskCommandHandler;
  let round = 0;

  const meta = { correlationId: 'c-1', causationId: null };
  const spec = (taskId: string, dependsOn: string[] = []): CreateTaskData => ({
    taskId, title: taskId, type: 'general', priority: 5, requiredCapabilities: [], prompt: 'p', dependsOn, timeoutMs: 60_000, maxRetries: 0,
  });
  const inTx = async <T>(pool: Pool, work: (tx: PoolClient) => Promise<T>): Promise<{ tx: PoolClient; value: T }> => {
    const tx = await pool.connect();
    await tx.query('BEGIN');
    return { tx, value: await work(tx) };
  };
  const commit = async (tx: PoolClient) => {
    await tx.query('COMMIT');
    tx.release();
  };
  /**
   * Runs `work` in a second transaction while `first` is still open, and commits `first` only once the
   * second has either finished its work or is blocked on a lock `first` holds: the two really overlap.
   */
  const overlapping = async (first: PoolClient, work: (tx: PoolClient) => Promise<unknown>): Promise<void> => {
    const tx = await env.pool.connect();
    const pid = (await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    await tx.query('BEGIN');
    let settled = false;
    const done = work(tx).finally(() => { settled = true; });
    await waitFor(async () => settled || (await env.pool.query(
      `SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'`, [pid])).rowCount === 1 || undefined,
    { timeoutMs: 10_000, description: 'the second transaction to finish or wait on a lock' });
    await commit(first);
    await done;
    await commit(tx);
  };
  const status = async (taskId: string) =>
    (await env.pool.query<{ status: string }>(`SELECT status FROM "${schema}".tasks WHERE task_id = $1`, [taskId])).rows[0]?.status;

  /** Creates the task and runs it to `running` on agent acacia, attempt 1. */
  const running = async (taskId: string) => {
    const { tx } = await inTx(env.pool, async (tx) => {
      await handler.execute(tx, 'acme', { type: 'CreateTask', data: spec(taskId) }, meta);
      await handler.execute(tx, 'acme', { type: 'ScheduleAssignment', data: { taskId, agentId: 'acacia', attempt: 1 } }, meta);
      await handler.execute(tx, 'acme', { type: 'StartTask', data: { taskId, agentId: 'acacia', attempt: 1, model: 'm' } }, meta);
    });
    await commit(tx);
  };
  /** Two running tasks and a third, pending, that depends on both. */
  const waitingOnTwo = async () => {
    const [a1, a2, b] = ['a1', 'a2', 'b'].map((id) => `${id}-${++round}`);
    await running(a1);
    await running(a2);
    const { tx } = await inTx(env.pool, async (tx) => handler.execute(tx, 'acme', { type: 'CreateTask', data: spec(b, [a1, a2]) }, meta));
    await commit(tx);
    return [a1, a2, b];
  };
  const complete = (tx: PoolClient, taskId: string) => handler.execute(tx, 'acme', {
    type: 'ReportCompleted',
    data: { taskId, agentId: 'acacia', attempt: 1, model: 'm', result: 'ok', promptTokens: 1, completionTokens: 1, tokensPerSecond: 1, responseTimeMs: 1 },
  }, meta);

  beforeAll(async () => {
    env = await createTestEnvironment();
    schema = `${env.schemaPrefix}coordinator`;
    await migrateEventStore(env.pool, schema);
    tasks = new TaskReadModel(schema);
    await tasks.migrate(env.pool);
    await DurableTimers.migrate(env.pool, schema);
    const store = new PostgresEventStore({ schema, source: 'coordinator', catalogue: hiveCatalogue, topicPrefix: env.topicPrefix });
    const timers = new DurableTimers({ pool: env.pool, connectionString: env.databaseUrl, schema, onFire: async () => undefined });
    handler = new TaskCommandHandler(store, tasks, timers, `hive_scheduler_${schema}`);
  });
  afterAll(() => env.cleanup());

  it('makes a dependant ready when its two dependencies complete in concurrent transactions', async () => {
    const [a1, a2, b] = await waitingOnTwo();
    expect(await status(b)).toBe('pending');

    // Each instance completes one dependency; neither sees the other's uncommitted completion.
    const first = await inTx(env.pool, (tx) => complete(tx, a1));
    await overlapping(first.tx, (tx) => complete(tx, a2));

    expect(await status(a1)).toBe('completed');
    expect(await status(a2)).toBe('completed');
    expect(await status(b)).toBe('ready');
  });

  it('fails a dependant once, with the reason, when one dependency fails while the other completes concurrently', async () => {
    const [a1, a2, b] = await waitingOnTwo();

    const first = await inTx(env.pool, (tx) => complete(tx, a1));
    await overlapping(first.tx, (tx) => handler.execute(tx, 'acme', {
      type: 'ReportFailed', data: { taskId: a2, agentId: 'acacia', attempt: 1, reason: 'HTTP 500', retriable: false }, now: new Date().toISOString(),
    }, meta));

    expect(await status(b)).toBe('failed');
    const { rows } = await env.pool.query<{ type: string }>(
      `SELECT type FROM "${schema}".events WHERE stream_id LIKE $1 ORDER BY stream_version`, [`%${b}`]);
    expect(rows.map((row) => row.type)).toEqual(['task.created', 'task.failed']);
  });

  it('makes a task ready when its only dependency completes while the task is being created, whichever transaction goes first', async () => {
    for (const creationFirst of [true, false]) {
      const [a, b] = ['a', 'b'].map((id) => `${id}-${++round}`);
      await running(a);
      const create = (tx: PoolClient) => handler.execute(tx, 'acme', { type: 'CreateTask', data: spec(b, [a]) }, meta);
      if (creationFirst) {
        // The creation share-locked the dependency's row and read it running; the completion must then find the new dependant.
        const first = await inTx(env.pool, create);
        await overlapping(first.tx, (tx) => complete(tx, a));
      } else {
        // The completion holds the dependency's row; the creation must then read it completed.
        const first = await inTx(env.pool, (tx) => complete(tx, a));
        await overlapping(first.tx, create);
      }
      expect([creationFirst, await status(a), await status(b)]).toEqual([creationFirst, 'completed', 'ready']);
    }
  });

  describe('batches', () => {
    const item = (command: TaskBatchItem['command'], tenant = 'acme'): TaskBatchItem => ({ tenant, command, meta });
    const batch = async (items: TaskBatchItem[]) => {
      const { tx, value } = await inTx(env.pool, (tx) => handler.executeBatch(tx, items));
      await commit(tx);
      return value;
    };
    const timers = async (taskId: string) =>
      (await env.pool.query<{ kind: string }>(`SELECT kind FROM "${schema}".timers WHERE id LIKE $1 ORDER BY kind`, [`%/${taskId}`])).rows.map((row) => row.kind);
    const types = async (taskId: string) =>
      (await env.pool.query<{ type: string }>(`SELECT type FROM "${schema}".events WHERE stream_id = $1 ORDER BY stream_version`, [`task-acme-${taskId}`])).rows.map((row) => row.type);

    it('decides each command on what the earlier ones in the batch decided, and releases a dependant created in the same batch', async () => {
      const [a, b] = ['a', 'b'].map((id) => `${id}-${++round}`);
      const results = await batch([
        item({ type: 'CreateTask', data: spec(a) }),
        item({ type: 'CreateTask', data: spec(b, [a]) }),
        item({ type: 'ScheduleAssignment', data: { taskId: a, agentId: 'acacia', attempt: 1 } }),
        item({ type: 'StartTask', data: { taskId: a, agentId: 'acacia', attempt: 1, model: 'm' } }),
      ]);
      expect(results.map((result) => result.ok)).toEqual([true, true, true, true]);
      expect(await status(a)).toBe('running');
      expect(await status(b)).toBe('pending');
      expect(await timers(a)).toEqual(['task.timeout']);

      const [c] = ['c'].map((id) => `${id}-${++round}`);
      await batch([
        item({ type: 'CreateTask', data: spec(c, [a]) }),
        item({ type: 'ReportCompleted', data: { taskId: a, agentId: 'acacia', attempt: 1, model: 'm', result: 'ok', promptTokens: 1, completionTokens: 1, tokensPerSecond: 1, responseTimeMs: 1 } }),
      ]);
      expect(await status(a)).toBe('completed');
      expect(await status(b)).toBe('ready');
      expect(await status(c)).toBe('ready');
      expect(await types(c)).toEqual(['task.created', 'task.ready']);
      expect(await timers(a)).toEqual([]);
    });

    it('refuses one command with its reason and still applies the others', async () => {
      const [a, b] = ['a', 'b'].map((id) => `${id}-${++round}`);
      const results = await batch([
        item({ type: 'CreateTask', data: spec(a) }),
        item({ type: 'CreateTask', data: spec(b, ['no-such-task']) }),
        item({ type: 'CancelTask', data: { taskId: a, reason: 'not needed' } }),
      ]);
      expect(results[0]).toMatchObject({ ok: true });
      expect(results[1]).toMatchObject({ ok: false, error: { code: 'invalid', message: expect.stringContaining('unknown dependencies: "no-such-task"') } });
      expect(results[2]).toMatchObject({ ok: true, version: 3, state: { status: 'cancelled' } });
      expect(await status(b)).toBeUndefined();
      expect(await types(b)).toEqual([]);
    });

    it('takes a chain of dependants down with a failed task, each with the reason', async () => {
      const [a, b, c] = ['a', 'b', 'c'].map((id) => `${id}-${++round}`);
      await running(a);
      await batch([item({ type: 'CreateTask', data: spec(b, [a]) }), item({ type: 'CreateTask', data: spec(c, [b]) })]);
      await batch([item({ type: 'ReportFailed', data: { taskId: a, agentId: 'acacia', attempt: 1, reason: 'HTTP 500', retriable: false }, now: new Date().toISOString() })]);
      expect([await status(a), await status(b), await status(c)]).toEqual(['failed', 'failed', 'failed']);
      const { rows } = await env.pool.query<{ data: { reason: string } }>(`SELECT data FROM "${schema}".events WHERE stream_id = $1 AND type = 'task.failed'`, [`task-acme-${c}`]);
      expect(rows[0].data.reason).toContain(b);
    });

    it('decides again when another transaction appended to one of its tasks meanwhile, instead of failing', async () => {
      const [a] = ['a'].map((id) => `${id}-${++round}`);
      await batch([item({ type: 'CreateTask', data: spec(a) }), item({ type: 'ScheduleAssignment', data: { taskId: a, agentId: 'acacia', attempt: 1 } })]);
      const first = await inTx(env.pool, (tx) => handler.executeBatch(tx, [item({ type: 'StartTask', data: { taskId: a, agentId: 'acacia', attempt: 1, model: 'm' } })]));
      let cancelled: unknown;
      await overlapping(first.tx, async (tx) => (cancelled = await handler.executeBatch(tx, [item({ type: 'CancelTask', data: { taskId: a, reason: 'changed my mind' } })])));
      expect(cancelled).toMatchObject([{ ok: true, state: { status: 'cancelled' } }]);
      expect(await types(a)).toEqual(['task.created', 'task.ready', 'task.assigned', 'task.started', 'task.cancelled']);
    });
  });
});
