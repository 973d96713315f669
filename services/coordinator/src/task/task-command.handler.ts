import type { PoolClient } from 'pg';
import { ConcurrencyError, DomainError, fold, traceHeadersFor, type DurableTimers, type EventMeta, type PostgresEventStore, type StreamAppend, type Timer } from '@hive/event-store';
import type { DependencyOutcome, DependencyStates, DependencyStatus, TaskCommand } from './task.commands';
import { taskDecider, taskStreamId, type TaskState } from './task.decider';
import type { TaskEvent } from './task.events';
import type { TaskReadModel } from './task-read-model';

export interface CommandMeta {
  readonly correlationId: string;
  readonly causationId: string | null;
  /** Trace headers for the events decided (e.g. a scheduled assignment continues the trace that created its task). */
  readonly headers?: Readonly<Record<string, string>>;
}

type KnownTask = Exclude<TaskState, { status: 'none' }>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A Task command as callers send it: the handler reads the dependency states the decider needs itself. */
export type TaskRequest = DistributiveOmit<TaskCommand, 'dependencyStates'>;

export interface TaskBatchItem {
  readonly tenant: string;
  readonly command: TaskRequest;
  readonly meta: CommandMeta;
}

/** Each item's outcome, in order: the task's version and state after it, or the decider's refusal. */
export type TaskBatchResult = { readonly ok: true; readonly version: number; readonly state: TaskState } | { readonly ok: false; readonly error: DomainError };

export const TIMER_TASK_TIMEOUT = 'task.timeout';
export const TIMER_TASK_RETRY = 'task.retry_due';
export interface TaskTimerPayload {
  readonly tenant: string;
  readonly taskId: string;
  readonly attempt: number;
}

const timeoutTimerId = (tenant: string, taskId: string) => `task-timeout/${tenant}/${taskId}`;
const retryTimerId = (tenant: string, taskId: string) => `task-retry/${tenant}/${taskId}`;
const ENDED_BADLY = new Set(['failed', 'cancelled', 'timed_out']);
const IN_FLIGHT = new Set(['assigned', 'running']);
const WAKES_SCHEDULER = new Set(['task.ready', 'task.completed', 'task.failed', 'task.cancelled', 'task.timed_out', 'task.requeued']);
const MAX_CONFLICT_RETRIES = 4;
const NEEDS_DEPENDENCIES = new Set(['CreateTask', 'MarkReady', 'RetryTask']);
const LOCKS_DEPENDENCIES = new Set(['CreateTask', 'RetryTask']);

/** One task as this batch knows it: the stream as read, the state folded, the events decided so far. */
interface Entry {
  readonly tenant: string;
  readonly taskId: string;
  readonly readVersion: number;
  state: TaskState;
  readonly events: Array<TaskEvent & { meta: EventMeta }>;
  created: boolean;
  assigned: boolean;
  retryScheduled: boolean;
  /** At creation: the creating command's trace, kept with the task so later work on it joins that trace. */
  traceHeaders?: Readonly<Record<string, string>>;
}

const entryKey = (tenant: string, taskId: string) => `${tenant}\u0000${taskId}`;

/**
 * Runs Task commands inside the caller's transaction, and everything that
 * follows from their events in the same transaction: the coordinator's task
 * table, the attempt's timeout and the retry's timer, dependants made ready
 * or taken down, and a wake-up for the scheduler.
 *
 * It works in batches, so the database round trips do not grow with the
 * number of commands: the streams are read in one query, every command is
 * decided in memory in order (a later command sees what an earlier one
 * decided), dependants are found for all finished tasks at once, and the
 * events of every stream are appended in one statement with each stream's
 * version guard. A conflict with another transaction throws
 * ConcurrencyError and the caller rolls back and tries again.
 */
export class TaskCommandHandler {
  constructor(
    private readonly store: PostgresEventStore,
    private readonly tasks: TaskReadModel,
    private readonly timers: DurableTimers,
    private readonly schedulerChannel: string,
  ) {}

  /** One command; a refusal throws its DomainError and writes nothing. */
  async execute(tx: PoolClient, tenant: string, command: TaskRequest, meta: CommandMeta): Promise<{ version: number; state: TaskState }> {
    const [result] = await this.executeBatch(tx, [{ tenant, command, meta }]);
    if (!result.ok) throw result.error;
    return { version: result.version, state: result.state };
  }

  /**
   * Decides and writes the batch. Another instance appending to one of its tasks meanwhile makes the
   * write fail its version guard: the batch is rolled back to its savepoint and decided again on
   * what is there now, a bounded number of times.
   */
  async executeBatch(tx: PoolClient, items: readonly TaskBatchItem[]): Promise<TaskBatchResult[]> {
    if (items.length === 0) return [];
    for (let attempt = 1; ; attempt++) {
      await tx.query('SAVEPOINT task_batch');
      try {
        const results = await this.tryBatch(tx, items);
        await tx.query('RELEASE SAVEPOINT task_batch');
        return results;
      } catch (error) {
        await tx.query('ROLLBACK TO SAVEPOINT task_batch').catch(() => undefined);
        if (!(error instanceof ConcurrencyError) || attempt >= MAX_CONFLICT_RETRIES) throw error;
      }
    }
  }

  private async tryBatch(tx: PoolClient, items: readonly TaskBatchItem[]): Promise<TaskBatchResult[]> {
    const batch = new Map<string, Entry>();
    await this.load(tx, batch, items.map((item) => ({ tenant: item.tenant, taskId: item.command.data.taskId })));
    const dependencyIds = (item: TaskBatchItem): string[] => {
      if (item.command.type === 'CreateTask') return [...item.command.data.dependsOn];
      const state = batch.get(entryKey(item.tenant, item.command.data.taskId))?.state;
      return state && state.status !== 'none' ? [...state.spec.dependsOn] : [];
    };
    const stored = await this.storedStates(tx, items.filter((item) => NEEDS_DEPENDENCIES.has(item.command.type)).map((item) => ({
      tenant: item.tenant, ids: dependencyIds(item), lock: LOCKS_DEPENDENCIES.has(item.command.type),
    })));

    const results: TaskBatchResult[] = items.map((item) => {
      const entry = batch.get(entryKey(item.tenant, item.command.data.taskId))!;
      const command = (NEEDS_DEPENDENCIES.has(item.command.type)
        ? { ...item.command, dependencyStates: this.dependencyStates(batch, stored, item.tenant, dependencyIds(item)) }
        : item.command) as TaskCommand;
      try {
        this.decide(entry, command, item.meta);
        return { ok: true, version: entry.readVersion + entry.events.length, state: entry.state };
      } catch (error) {
        if (error instanceof DomainError) return { ok: false, error };
        throw error;
      }
    });

    await this.cascade(tx, batch, new Set([...batch.values()].filter((entry) => entry.events.length > 0).map((entry) => entryKey(entry.tenant, entry.taskId))));
    await this.flush(tx, batch);
    return results;
  }

  /** Reads the streams of the given tasks not yet in the batch. */
  private async load(tx: PoolClient, batch: Map<string, Entry>, tasks: ReadonlyArray<{ tenant: string; taskId: string }>): Promise<void> {
    const missing = new Map<string, { tenant: string; taskId: string }>();
    for (const task of tasks) if (!batch.has(entryKey(task.tenant, task.taskId))) missing.set(taskStreamId(task.tenant, task.taskId), task);
    if (missing.size === 0) return;
    const reads = await this.store.readStreams(tx, [...missing.keys()]);
    for (const [streamId, { tenant, taskId }] of missing) {
      const read = reads.get(streamId)!;
      const state = fold(taskDecider, read.events.map((recorded) => ({ type: recorded.envelope.type, data: recorded.envelope.data }) as TaskEvent));
      batch.set(entryKey(tenant, taskId), { tenant, taskId, readVersion: read.version, state, events: [], created: false, assigned: false, retryScheduled: false });
    }
  }

  /** Dependency states from the task table, share-locked where asked (see TaskReadModel.dependencyStates). */
  private async storedStates(tx: PoolClient, wanted: ReadonlyArray<{ tenant: string; ids: readonly string[]; lock: boolean }>): Promise<Map<string, DependencyStatus>> {
    const states = new Map<string, DependencyStatus>();
    for (const lock of [true, false]) {
      const byTenant = new Map<string, Set<string>>();
      for (const want of wanted) {
        if (want.lock !== lock || want.ids.length === 0) continue;
        const ids = byTenant.get(want.tenant) ?? new Set<string>();
        for (const id of want.ids) ids.add(id);
        byTenant.set(want.tenant, ids);
      }
      for (const row of await this.tasks.statesOf(tx, [...byTenant].map(([tenant, ids]) => ({ tenant, taskIds: [...ids] })), lock)) {
        states.set(entryKey(row.tenant, row.taskId), row.status);
      }
    }
    return states;
  }

  /** What the decider is told: what this batch decided about a dependency, else what the table says. */
  private dependencyStates(batch: Map<string, Entry>, stored: Map<string, DependencyStatus>, tenant: string, ids: readonly string[]): DependencyStates {
    const states: Record<string, DependencyStatus> = {};
    for (const id of ids) {
      const entry = batch.get(entryKey(tenant, id));
      const status = entry && entry.state.status !== 'none' && entry.events.length > 0 ? toDependencyStatus(entry.state.status) : stored.get(entryKey(tenant, id));
      if (status !== undefined) states[id] = status;
    }
    return states;
  }

  private decide(entry: Entry, command: TaskCommand, meta: CommandMeta): void {
    const events = taskDecider.decide(command, entry.state);
    for (const event of events) {
      entry.state = taskDecider.evolve(entry.state, event);
      entry.events.push({ ...event, meta: { tenant: entry.tenant, correlationId: meta.correlationId, causationId: meta.causationId, ...(meta.headers ? { headers: meta.headers } : {}) } });
      if (event.type === 'task.created') {
        entry.created = true;
        entry.traceHeaders = meta.headers ?? traceHeadersFor(meta.causationId);
      }
      if (event.type === 'task.assigned') entry.assigned = true;
      if (event.type === 'task.retry_scheduled') entry.retryScheduled = true;
    }
  }

  /**
   * Tasks that completed, failed, timed out or were cancelled in this batch release or take down
   * their pending dependants, level by level. Dependants in the table are locked first (FOR UPDATE):
   * two dependencies finishing in concurrent transactions would otherwise each read the other as
   * unfinished and leave the dependant pending forever; with the lock the second waits for the first
   * and then reads both. Dependants created earlier in this batch are found in the batch itself.
   */
  private async cascade(tx: PoolClient, batch: Map<string, Entry>, changed: ReadonlySet<string>): Promise<void> {
    let finished = [...changed].map((key) => batch.get(key)!).filter((entry) => entry.state.status === 'completed' || ENDED_BADLY.has(entry.state.status));
    const seen = new Set<string>();
    while (finished.length > 0) {
      for (const entry of finished) seen.add(entryKey(entry.tenant, entry.taskId));
      const keys = finished.map((entry) => ({ tenant: entry.tenant, taskId: entry.taskId }));
      // The finished tasks' rows first (their new state is only written at flush): see TaskReadModel.lockRows.
      await this.tasks.lockRows(tx, keys);
      const stored = await this.tasks.lockDependants(tx, keys);
      const inBatch = [...batch.values()].filter((entry) => entry.state.status === 'pending' && finished.some((done) => done.tenant === entry.tenant && entry.state.status !== 'none' && entry.state.spec.dependsOn.includes(done.taskId)));
      const dependants = new Map<string, { tenant: string; taskId: string }>();
      for (const dependant of [...stored, ...inBatch.map((entry) => ({ tenant: entry.tenant, taskId: entry.taskId }))]) dependants.set(entryKey(dependant.tenant, dependant.taskId), dependant);
      await this.load(tx, batch, [...dependants.values()]);
      const wanted = [...dependants.values()].map(({ tenant, taskId }) => {
        const state = batch.get(entryKey(tenant, taskId))!.state;
        return { tenant, ids: state.status === 'none' ? [] : [...state.spec.dependsOn], lock: false };
      });
      const storedStates = await this.storedStates(tx, wanted);
      const next: Entry[] = [];
      for (const { tenant, taskId } of dependants.values()) {
        const entry = batch.get(entryKey(tenant, taskId))!;
        if (entry.state.status !== 'pending') continue;
        const before = entry.events.length;
        const spec = entry.state.spec;
        const failed = finished.find((done) => done.tenant === tenant && spec.dependsOn.includes(done.taskId) && ENDED_BADLY.has(done.state.status));
        // The consequence carries the correlation of the command that finished the dependency.
        const trigger = (failed ?? finished.find((done) => done.tenant === tenant && spec.dependsOn.includes(done.taskId)))?.events.at(-1)?.meta;
        const commandMeta = { correlationId: trigger?.correlationId ?? taskId, causationId: trigger?.causationId ?? null };
        if (failed) {
          const outcome = failed.state.status as DependencyOutcome;
          const reason = failed.state.status === 'failed' || failed.state.status === 'cancelled' ? failed.state.reason : 'timed out';
          this.decide(entry, { type: 'DependencyFailed', data: { taskId, dependencyId: failed.taskId, outcome, reason } }, commandMeta);
        } else {
          const dependencyStates = this.dependencyStates(batch, storedStates, tenant, spec.dependsOn);
          if (spec.dependsOn.every((id) => dependencyStates[id] === 'completed')) this.decide(entry, { type: 'MarkReady', data: { taskId }, dependencyStates }, commandMeta);
        }
        if (entry.events.length > before && ENDED_BADLY.has(entry.state.status) && !seen.has(entryKey(tenant, taskId))) next.push(entry);
      }
      finished = next;
    }
  }

  /** Writes the batch: every stream's events in one statement, the task rows, the timers, and the scheduler's wake-up. */
  private async flush(tx: PoolClient, batch: Map<string, Entry>): Promise<void> {
    const changed = [...batch.values()].filter((entry) => entry.events.length > 0);
    if (changed.length === 0) return;
    const appends: StreamAppend[] = changed.map((entry) => ({
      streamId: taskStreamId(entry.tenant, entry.taskId), expectedVersion: entry.readVersion, key: entry.taskId, events: entry.events,
    }));
    const wakes = changed.some((entry) => entry.events.some((event) => WAKES_SCHEDULER.has(event.type)));
    await this.store.appendMany(tx, appends, [], wakes ? [this.schedulerChannel] : []);
    await this.tasks.saveMany(tx, changed.map((entry) => ({
      tenant: entry.tenant, state: entry.state as KnownTask, created: entry.created, assigned: entry.assigned, traceHeaders: entry.traceHeaders,
    })));

    const schedule: Timer[] = [];
    const cancel: string[] = [];
    for (const entry of changed) {
      const state = entry.state as KnownTask;
      const payload: TaskTimerPayload = { tenant: entry.tenant, taskId: entry.taskId, attempt: state.attempt };
      if (IN_FLIGHT.has(state.status)) {
        if (entry.assigned) schedule.push({ id: timeoutTimerId(entry.tenant, entry.taskId), kind: TIMER_TASK_TIMEOUT, dueAt: new Date(Date.now() + state.spec.timeoutMs), payload });
      } else if (state.attempt > 0) {
        cancel.push(timeoutTimerId(entry.tenant, entry.taskId));
      }
      if (state.status === 'retry_scheduled' && entry.retryScheduled) {
        // RetryDue names the attempt that will run, as task.retry_scheduled does: the failed one + 1.
        schedule.push({ id: retryTimerId(entry.tenant, entry.taskId), kind: TIMER_TASK_RETRY, dueAt: new Date(state.notBefore), payload: { ...payload, attempt: state.attempt + 1 } });
      }
    }
    await this.timers.cancel(tx, cancel);
    await this.timers.schedule(tx, schedule);
  }
}

function toDependencyStatus(status: KnownTask['status']): DependencyStatus {
  switch (status) {
    case 'completed':
    case 'failed':
    case 'cancelled':
    case 'timed_out':
      return status;
    case 'pending':
    case 'ready':
    case 'assigned':
    case 'running':
    case 'retry_scheduled':
      return 'active';
  }
}
