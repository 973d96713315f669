import type { Pool } from 'pg';
import type { DurableTimers, OutboxMessage, PostgresEventStore, Timer } from '@hive/event-store';
import type { EngineTables } from '../persistence/engine-tables';
import type { ExecutionEvent } from './execution.events';
import { isSubworkflowExecution, settleCall, subworkflowOutcome } from './call-outcomes';
import { executionStream } from './execution-repository';

export interface ExecutionWrite {
  readonly executionId: string;
  readonly tenant: string;
  readonly expectedVersion: number;
  readonly events: readonly ExecutionEvent[];
  readonly outbox: readonly OutboxMessage[];
  readonly timers: readonly Timer[];
  readonly cancelTimers: readonly string[];
  readonly pendingCalls: Parameters<EngineTables['addPendingCalls']>[1];
  readonly inboxIds: readonly string[];
  readonly terminal: boolean;
}

interface Queued {
  readonly write: ExecutionWrite;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

const MAX_BATCH = 250;

/**
 * Group commit: appends of many executions share one transaction (one
 * fsync). While a transaction commits, new writes queue; the next one takes
 * them all. If a batch fails, each write is retried alone so one conflict
 * does not fail the others.
 */
export class ExecutionWriter {
  private queue: Queued[] = [];
  private flushing = false;

  constructor(private readonly pool: Pool, private readonly store: PostgresEventStore, private readonly tables: EngineTables, private readonly timers: DurableTimers) {}

  write(write: ExecutionWrite): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ write, resolve, reject });
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        try {
          await this.commit(batch.map((q) => q.write));
          batch.forEach((q) => q.resolve());
        } catch {
          for (const q of batch) {
            try {
              await this.commit([q.write]);
              q.resolve();
            } catch (error) {
              q.reject(error);
            }
          }
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private async commit(writes: readonly ExecutionWrite[]): Promise<void> {
    const tx = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await tx.query('BEGIN');
      for (const w of writes) {
        if (w.events.length === 0 && w.outbox.length === 0) continue;
        if (w.events.length === 0) await this.store.enqueue(tx, w.outbox);
        else {
          await this.store.appendToStream(tx, executionStream(w.executionId), w.events, {
            expectedVersion: w.expectedVersion, tenant: w.tenant, correlationId: w.executionId, causationId: null, key: w.executionId, extraMessages: w.outbox,
          });
        }
      }
      await this.timers.schedule(tx, writes.flatMap((w) => w.timers));
      await this.timers.cancel(tx, writes.flatMap((w) => w.cancelTimers));
      await this.tables.addPendingCalls(tx, writes.flatMap((w) => w.pendingCalls));
      await this.tables.deleteInbox(tx, writes.flatMap((w) => w.inboxIds));
      await this.tables.removeActive(tx, writes.filter((w) => w.terminal).map((w) => w.executionId));
      for (const w of writes) {
        const ended = w.terminal && isSubworkflowExecution(w.executionId) ? subworkflowOutcome(w.events) : undefined;
        if (ended) await settleCall(this.tables, tx, w.executionId, ended);
      }
      await tx.query('COMMIT');
    } catch (error) {
      await tx.query('ROLLBACK').catch((e: Error) => {
        broken = e;
      });
      throw error;
    } finally {
      tx.release(broken);
    }
  }
}
