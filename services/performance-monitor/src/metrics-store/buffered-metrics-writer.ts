import { Logger } from '@nestjs/common';
import type { LineTransport } from './line-transport';
import { toLineProtocol } from './line-protocol';
import type { MetricPoint } from './metric-point';

export interface BufferedMetricsWriterOptions {
  readonly transport: LineTransport;
  /** Most lines held in memory; beyond it the oldest are dropped (counted and logged). */
  readonly maxBufferedLines: number;
  /** Most lines per write request. */
  readonly batchSize: number;
  /** Longest a line waits before a write is attempted. */
  readonly flushIntervalMs: number;
  /** Backoff after a failed write: starts here and doubles up to maxRetryDelayMs, forever. */
  readonly minRetryDelayMs?: number;
  readonly maxRetryDelayMs?: number;
  /** Called for every accepted batch (metrics of the writer itself). */
  readonly onWritten?: (lines: number) => void;
  readonly onDropped?: (lines: number) => void;
}

export interface MetricsWriterStats {
  readonly buffered: number;
  readonly written: number;
  readonly dropped: number;
  readonly failedWrites: number;
  readonly storeReachable: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Batches points to the metrics store with bounded memory and no loss while
 * the store is away:
 *
 * - points are serialised to line protocol when they arrive and queued in order;
 * - a single flush loop sends up to `batchSize` lines at a time, as soon as a
 *   batch is full or `flushIntervalMs` after the oldest waiting line;
 * - a failed write keeps its lines at the head of the queue and is retried
 *   with exponential backoff (capped), for as long as it takes: an outage only
 *   grows the queue, and everything is flushed in order when the store returns;
 * - the queue holds at most `maxBufferedLines`. When an outage outlasts that
 *   (lines arriving × outage seconds > limit), the OLDEST lines are dropped to
 *   make room, the count is kept in `stats().dropped` and a warning is logged
 *   at most every 10 s. Recent data is worth more to an operator than old data.
 *
 * The queue lives in memory: points not yet written when the process dies are
 * lost (the monitor's Kafka checkpoints have moved on). Points are keyed by
 * event time and id, so the rebuild of a projection rewrites them identically.
 */
export class BufferedMetricsWriter {
  private readonly logger = new Logger(BufferedMetricsWriter.name);
  private queue: string[] = [];
  /** Index of the first unsent line in `queue` (avoids shifting a large array per batch). */
  private head = 0;
  /** Lines removed from the front of `queue` by compaction: absolute position = base + index. */
  private base = 0;
  private written = 0;
  private dropped = 0;
  private droppedSinceLog = 0;
  private lastDropLog = 0;
  private failedWrites = 0;
  private reachable = true;
  private oldestWaitingSince: number | undefined;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly options: BufferedMetricsWriterOptions) {}

  start(): void {
    this.stopped = false;
    this.loop ??= this.run();
  }

  /** Flushes what is queued (bounded by `timeoutMs`) and stops. */
  async stop(timeoutMs = 5_000): Promise<void> {
    await Promise.race([this.drained(), sleep(timeoutMs)]);
    this.stopped = true;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
    await this.options.transport.close();
    const left = this.pending();
    if (left > 0) this.logger.warn(`stopped with ${left} points not written`);
  }

  write(points: readonly MetricPoint[]): void {
    let added = 0;
    for (const point of points) {
      const line = toLineProtocol(point);
      if (line === undefined) continue;
      this.queue.push(line);
      added++;
    }
    if (added === 0) return;
    this.oldestWaitingSince ??= Date.now();
    this.enforceBound();
    if (this.pending() >= this.options.batchSize) this.wake?.();
  }

  stats(): MetricsWriterStats {
    return { buffered: this.pending(), written: this.written, dropped: this.dropped, failedWrites: this.failedWrites, storeReachable: this.reachable };
  }

  /** Resolves once everything queued so far has been written (waits through an outage). */
  drained(): Promise<void> {
    if (this.pending() === 0) return Promise.resolve();
    this.wake?.();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pending(): number {
    return this.queue.length - this.head;
  }

  private enforceBound(): void {
    const excess = this.pending() - this.options.maxBufferedLines;
    if (excess <= 0) return;
    this.head += excess;
    this.dropped += excess;
    this.droppedSinceLog += excess;
    this.options.onDropped?.(excess);
    const now = Date.now();
    if (now - this.lastDropLog >= 10_000) {
      this.logger.warn(
        `metrics buffer full (${this.options.maxBufferedLines} lines, store ${this.reachable ? 'slow' : 'unreachable'}): dropped the ${this.droppedSinceLog} oldest points; ${this.dropped} dropped in total`,
      );
      this.lastDropLog = now;
      this.droppedSinceLog = 0;
    }
    this.compact();
  }

  private compact(): void {
    if (this.head > 4_096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.base += this.head;
      this.head = 0;
    }
  }

  private async run(): Promise<void> {
    let delay = this.options.minRetryDelayMs ?? 100;
    while (!this.stopped) {
      if (this.pending() === 0) {
        this.oldestWaitingSince = undefined;
        for (const resolve of this.idleWaiters.splice(0)) resolve();
        await this.sleepUntilWoken(this.options.flushIntervalMs);
        continue;
      }
      const waited = Date.now() - (this.oldestWaitingSince ?? Date.now());
      if (this.pending() < this.options.batchSize && waited < this.options.flushIntervalMs) {
        await this.sleepUntilWoken(this.options.flushIntervalMs - waited);
        continue;
      }
      const batch = this.queue.slice(this.head, this.head + this.options.batchSize);
      const batchStart = this.base + this.head;
      try {
        await this.options.transport.send(batch);
      } catch (error) {
        this.failedWrites++;
        if (this.reachable) this.logger.warn(`metrics store write failed (${(error as Error).message}); keeping ${this.pending()} points and retrying`);
        this.reachable = false;
        await this.sleepUntilWoken(delay, true);
        delay = Math.min(delay * 2, this.options.maxRetryDelayMs ?? 5_000);
        continue;
      }
      if (!this.reachable) this.logger.log(`metrics store reachable again; flushing ${this.pending()} buffered points`);
      this.reachable = true;
      delay = this.options.minRetryDelayMs ?? 100;
      // The bound may have dropped lines of this very batch while it was in flight: they were written after all.
      const batchEnd = batchStart + batch.length;
      const headNow = this.base + this.head;
      if (headNow > batchStart) this.dropped -= Math.min(headNow, batchEnd) - batchStart;
      if (headNow < batchEnd) this.head = batchEnd - this.base;
      this.written += batch.length;
      this.options.onWritten?.(batch.length);
      this.oldestWaitingSince = this.pending() > 0 ? Date.now() - this.options.flushIntervalMs : undefined;
      this.compact();
    }
  }

  private sleepUntilWoken(ms: number, ignoreWake = false): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      if (!ignoreWake) this.wake = done;
      else this.wake = () => (this.stopped ? done() : undefined);
    });
  }
}
