import { Logger } from '@nestjs/common';
import { AdvisoryLease, type AdvisoryLeaseOptions } from './advisory-lease';
import { WakeSignal } from './wake-signal';

export interface LeasedLoopOptions {
  readonly name: string;
  readonly lease: Omit<AdvisoryLeaseOptions, 'onWake'>;
  /** Called each time the lease is taken, before the first step (e.g. connect a producer). */
  readonly onAcquire?: () => Promise<void>;
  /**
   * One unit of work. Returns 'again' to run the next step at once, or how
   * long to sleep (a NOTIFY on the lease's channels, or `wake()`, ends the sleep).
   */
  readonly step: () => Promise<'again' | number>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Work that one instance at a time does in a loop (timers, a scheduler, a
 * health monitor): wait for the lease, then step until stopped, sleeping
 * between steps until woken; on an error, log, let the lease go and start over.
 */
export class LeasedLoop {
  private readonly logger: Logger;
  private readonly lease: AdvisoryLease;
  private readonly signal = new WakeSignal();
  private stopped = false;
  private loop: Promise<void> | undefined;

  constructor(private readonly options: LeasedLoopOptions) {
    this.logger = new Logger(options.name);
    this.lease = new AdvisoryLease({ ...options.lease, onWake: () => this.signal.notify() });
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  wake(): void {
    this.signal.notify();
  }

  start(): void {
    this.stopped = false;
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.signal.notify();
    await this.lease.release();
    await this.loop;
    this.loop = undefined;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        if (!(await this.lease.acquire(() => this.stopped))) break;
        await this.options.onAcquire?.();
        while (!this.stopped) {
          this.lease.assertHeld();
          // Wake-ups until now are answered by this step.
          this.signal.clear();
          const next = await this.options.step();
          if (next !== 'again') await this.signal.wait(next);
        }
      } catch (error) {
        if (!this.stopped) {
          this.logger.error(`failed, restarting: ${(error as Error).message}`);
          await sleep(500);
        }
      } finally {
        await this.lease.release();
      }
    }
  }
}
