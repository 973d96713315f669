import { Injectable } from '@nestjs/common';
import { HiveEventing } from '@hive/messaging';
import { monitorSnapshotsTable } from './monitor-snapshots.projection';

export interface MonitorSnapshot<T> {
  readonly at: string;
  /** True when the monitor has not published for three of its intervals: the figures are not current. */
  readonly stale: boolean;
  readonly data: T;
}

/** The performance monitor's snapshots as the gateway last received them. */
@Injectable()
export class MonitorSnapshotsReadModel {
  private readonly table: string;

  constructor(private readonly eventing: HiveEventing) {
    this.table = monitorSnapshotsTable(eventing.schema);
  }

  /** The latest snapshot under `key`, or undefined before the first one arrived. */
  async latest<T>(key: string, staleAfterMs: number): Promise<MonitorSnapshot<T> | undefined> {
    const { rows } = await this.eventing.pool.query<{ at: Date; data: T }>(`SELECT at, data FROM ${this.table} WHERE key = $1`, [key]);
    const row = rows[0];
    return row && { at: row.at.toISOString(), stale: Date.now() - row.at.getTime() > staleAfterMs, data: row.data };
  }
}
