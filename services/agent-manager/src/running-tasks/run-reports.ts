import { Logger } from '@nestjs/common';
import type { OutboxMessage } from '@hive/event-store';
import type { HiveEventing } from '@hive/messaging';
import { runKey, type ClaimedRun, type TaskRunsRepository } from './task-runs.repository';

interface Pending {
  readonly run: ClaimedRun;
  readonly message: OutboxMessage;
  /** A final report (completed or failed) also ends the run, and is dropped if the run was ended meanwhile. */
  readonly final: boolean;
  readonly resolve: (sent: boolean) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * The task runtime's reports to the coordinator, written to the outbox with
 * group commit: reports arriving while a write is in progress wait and go
 * together in the next one, so a burst of runs finishing costs a few
 * transactions, not one per run. Order is kept: a run's start is queued
 * before its end, and the queue is written in order.
 */
export class RunReports {
  private readonly logger = new Logger(RunReports.name);
  private queue: Pending[] = [];
  private writing: Promise<void> | undefined;

  constructor(private readonly eventing: HiveEventing, private readonly runs: TaskRunsRepository) {}

  /** Queues a report; resolves false for a final report whose run had already ended (nothing sent). */
  send(run: ClaimedRun, message: OutboxMessage, final: boolean): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.queue.push({ run, message, final, resolve, reject });
      this.writing ??= this.writeAll().finally(() => {
        this.writing = undefined;
      });
    });
  }

  private async writeAll(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0);
      try {
        const sent = await this.write(batch);
        batch.forEach((pending, index) => pending.resolve(sent[index]));
      } catch (error) {
        this.logger.warn(`writing ${batch.length} task report(s) failed: ${(error as Error).message}`);
        for (const pending of batch) pending.reject(error);
      }
    }
  }

  private async write(batch: readonly Pending[]): Promise<boolean[]> {
    const tx = await this.eventing.pool.connect();
    try {
      await tx.query('BEGIN');
      const open = await this.runs.finishMany(tx, batch.filter((pending) => pending.final).map((pending) => pending.run));
      const sent = batch.map((pending) => !pending.final || open.has(runKey(pending.run.tenant, pending.run.taskId, pending.run.attempt)));
      await this.eventing.store.enqueue(tx, batch.filter((_, index) => sent[index]).map((pending) => pending.message));
      await tx.query('COMMIT');
      return sent;
    } catch (error) {
      await tx.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      tx.release();
    }
  }
}
