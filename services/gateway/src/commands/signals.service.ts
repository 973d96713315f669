import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Client, type PoolClient } from 'pg';
import { GatewayConfig } from '../config/gateway.config';
import { HiveEventing } from '@hive/messaging';

const MAX_PAYLOAD = 7_000;
const FALLBACK_POLL_MS = 250;

/** Channel of a schema's signals (one per deployment or test run). */
export const signalChannel = (schema: string): string => `${schema}_signals`.slice(0, 63);

/**
 * Sends signals from inside a read-model transaction: delivered by
 * PostgreSQL on commit to every gateway instance, whichever instance's
 * consumer applied the batch.
 */
export async function notifySignals(tx: PoolClient, schema: string, keys: readonly string[]): Promise<void> {
  let chunk: string[] = [];
  let size = 0;
  const flush = async () => {
    if (chunk.length > 0) await tx.query('SELECT pg_notify($1, $2)', [signalChannel(schema), chunk.join('\n')]);
    chunk = [];
    size = 0;
  };
  for (const key of keys) {
    if (size + key.length + 1 > MAX_PAYLOAD) await flush();
    chunk.push(key);
    size += key.length + 1;
  }
  await flush();
}

/**
 * Waits for facts recorded in PostgreSQL (a command's outcome, a read model
 * having applied a command's events). The fact is always checked in the
 * database; a LISTEN notification only says when to look again, and a slow
 * poll covers a notification lost while the listening connection reconnects.
 */
@Injectable()
export class SignalsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SignalsService.name);
  private readonly waiters = new Map<string, Set<() => void>>();
  private client: Client | undefined;
  private closing = false;

  constructor(private readonly eventing: HiveEventing, private readonly config: GatewayConfig) {}

  async onModuleInit(): Promise<void> {
    await this.connect();
  }

  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    await this.client?.end().catch(() => undefined);
  }

  /**
   * Resolves with check()'s first defined value, or undefined at the deadline
   * or when `signal` aborts. With `checkFirst: false` the fact is first looked
   * up on a signal or after one poll interval (for facts that cannot exist yet).
   */
  async waitFor<T>(key: string, timeoutMs: number, check: () => Promise<T | undefined>, options: { signal?: AbortSignal; checkFirst?: boolean } = {}): Promise<T | undefined> {
    const deadline = Date.now() + timeoutMs;
    let wake: () => void = () => undefined;
    const set = this.waiters.get(key) ?? new Set();
    this.waiters.set(key, set);
    let signalled = false;
    const listener = () => {
      signalled = true;
      wake();
    };
    set.add(listener);
    options.signal?.addEventListener('abort', listener);
    let skipCheck = options.checkFirst === false;
    try {
      for (;;) {
        if (options.signal?.aborted) return undefined;
        const wasSignalled = signalled;
        signalled = false;
        const found = skipCheck && !wasSignalled ? undefined : await check();
        skipCheck = false;
        if (found !== undefined) return found;
        const left = deadline - Date.now();
        if (left <= 0) return undefined;
        if (signalled) continue;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(left, FALLBACK_POLL_MS));
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    } finally {
      set.delete(listener);
      if (set.size === 0) this.waiters.delete(key);
      options.signal?.removeEventListener('abort', listener);
    }
  }

  private reconnecting = false;

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.config.DATABASE_URL, application_name: 'hive-gateway-signals' });
    client.on('notification', (message) => {
      for (const key of (message.payload ?? '').split('\n')) {
        for (const waiter of this.waiters.get(key) ?? []) waiter();
      }
    });
    client.on('error', (error) => {
      this.logger.warn(`signal connection failed: ${error.message}; reconnecting`);
      if (this.client === client) this.reconnect();
    });
    client.on('end', () => {
      if (this.client === client) this.reconnect();
    });
    await client.connect();
    await client.query(`LISTEN "${signalChannel(this.eventing.schema)}"`);
    this.client = client;
  }

  private reconnect(): void {
    if (this.closing || this.reconnecting) return;
    this.reconnecting = true;
    this.client = undefined;
    setTimeout(() => {
      this.connect().then(
        () => { this.reconnecting = false; },
        (error: Error) => {
          this.logger.warn(`signal connection: ${error.message}`);
          this.reconnecting = false;
          this.reconnect();
        },
      );
    }, 500);
  }
}
