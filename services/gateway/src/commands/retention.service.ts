import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { schemaIdent } from '@hive/event-store';
import { HiveEventing } from '@hive/messaging';

const SWEEP_EVERY_MS = 10 * 60 * 1000;

/**
 * Housekeeping of the command bookkeeping (not domain time): idempotency
 * keys and command outcomes are kept a day, like hive.command.results;
 * read-your-writes markers an hour. Any instance may sweep; the deletes are idempotent.
 */
@Injectable()
export class RetentionService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RetentionService.name);
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly eventing: HiveEventing) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), SWEEP_EVERY_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  async sweep(): Promise<void> {
    const s = schemaIdent(this.eventing.schema);
    try {
      await this.eventing.pool.query(`DELETE FROM ${s}.idempotency_keys WHERE created_at < now() - interval '24 hours'`);
      await this.eventing.pool.query(`DELETE FROM ${s}.command_outcomes WHERE received_at < now() - interval '24 hours'`);
      await this.eventing.pool.query(`DELETE FROM ${s}.caught_up WHERE applied_at < now() - interval '1 hour'`);
    } catch (error) {
      this.logger.warn(`retention sweep failed (retried in ${SWEEP_EVERY_MS / 60000} min): ${(error as Error).message}`);
    }
  }
}
