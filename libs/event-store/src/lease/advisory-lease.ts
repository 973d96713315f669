import { Client } from 'pg';

export interface AdvisoryLeaseOptions {
  readonly connectionString: string;
  /** What the lease is for; every instance asking for the same key competes. */
  readonly key: string;
  /** How often a standby tries again. */
  readonly retryMs?: number;
  /** LISTEN channels to subscribe on the lease's session once held. */
  readonly listen?: readonly string[];
  /** Called for every notification on the listened channels and when the session fails. */
  readonly onWake?: () => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Work that must have one owner at a time (an outbox relay, a scheduler, a
 * timer loop): the holder of a PostgreSQL session-level advisory lock on its
 * own connection. When the holder dies, its session ends and the lock is
 * released; a standby takes it within `retryMs`. The same session LISTENs,
 * so the holder is woken by NOTIFY.
 */
export class AdvisoryLease {
  private session: Client | undefined;
  private failure: Error | undefined;
  private releasing = false;
  private connecting: Promise<unknown> | undefined;

  constructor(private readonly options: AdvisoryLeaseOptions) {}

  /** Waits until this instance holds the lease (or `shouldStop` says to give up: resolves false). */
  async acquire(shouldStop: () => boolean): Promise<boolean> {
    this.failure = undefined;
    this.releasing = false;
    const session = new Client({ connectionString: this.options.connectionString, application_name: `hive-lease:${this.options.key}`.slice(0, 63) });
    this.session = session;
    session.on('error', (error) => {
      if (!this.releasing) this.failure = error;
      this.options.onWake?.();
    });
    session.on('notification', () => this.options.onWake?.());
    this.connecting = session.connect();
    try {
      await this.connecting;
    } finally {
      this.connecting = undefined;
    }
    while (!shouldStop() && !this.releasing) {
      const { rows } = await session.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [this.options.key]);
      if (rows[0].locked) {
        for (const channel of this.options.listen ?? []) await session.query(`LISTEN "${channel}"`);
        return true;
      }
      await sleep(this.options.retryMs ?? 1_000);
      if (this.failure) throw this.failure;
    }
    await this.release();
    return false;
  }

  /** Throws when the lease's session failed: the lock may be gone, so the holder must stop acting. */
  assertHeld(): void {
    if (this.failure) throw new Error(`lease ${this.options.key} lost: ${this.failure.message}`);
    if (!this.session) throw new Error(`lease ${this.options.key} is not held`);
  }

  async release(): Promise<void> {
    this.releasing = true;
    // Ending a client while it connects can leave its connect promise pending forever.
    await this.connecting?.catch(() => undefined);
    const session = this.session;
    this.session = undefined;
    await session?.end().catch(() => undefined);
  }
}
