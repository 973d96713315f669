import type { PoolClient } from 'pg';
import type { ConsumedMessage } from '@hive/messaging';
import type { Queryable } from '@hive/event-store';

/**
 * A read model built from event topics. `handle` receives a whole batch
 * inside the consumer's transaction and should write it with set-based SQL;
 * it must ignore message types it does not know, and guard each row with the
 * event's stream version or id so a replay changes nothing.
 */
export interface Projection {
  /** Unique within the service, e.g. `agents`. */
  readonly name: string;
  /** Bump when the read model's shape or logic changes: the projection is rebuilt from offset 0. */
  readonly version: number;
  /** Logical topic names (see Topics). */
  readonly topics: readonly string[];
  /** Creates the read model's tables if they do not exist. */
  init(db: Queryable): Promise<void>;
  handle(messages: readonly ConsumedMessage[], tx: PoolClient): Promise<void>;
  /** Empties the read model (before a rebuild). */
  reset(tx: PoolClient): Promise<void>;
}
