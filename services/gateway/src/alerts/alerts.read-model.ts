import { Injectable } from '@nestjs/common';
import { HiveEventing } from '@hive/messaging';
import { listPage, type ListQuery, type ListSpec, type Page } from '../common/list-page';
import { alertsTable } from './alerts.projection';

export interface AlertView {
  readonly id: string;
  readonly rule: string;
  readonly severity: string;
  readonly condition: string | null;
  readonly value: number;
  readonly subject: string | null;
  readonly message: string;
  readonly state: string;
  readonly firedAt: string;
  readonly resolvedAt: string | null;
}

const alertView = (row: Record<string, unknown>): AlertView => ({
  id: String(row['alert_id']), rule: String(row['rule']), severity: String(row['severity']), condition: (row['condition'] as string | null) ?? null,
  value: Number(row['value']), subject: (row['subject'] as string | null) ?? null, message: String(row['message']), state: String(row['state']),
  firedAt: (row['fired_at'] as Date).toISOString(), resolvedAt: row['resolved_at'] ? (row['resolved_at'] as Date).toISOString() : null,
});

@Injectable()
export class AlertsReadModel {
  private readonly spec: ListSpec;

  constructor(private readonly eventing: HiveEventing) {
    this.spec = {
      table: alertsTable(eventing.schema), idColumn: 'alert_id',
      sorts: { firedAt: { column: 'fired_at', type: 'timestamptz' }, severity: { column: 'severity', type: 'text' } },
      filters: { severity: 'severity', state: 'state', rule: 'rule', subject: 'subject' },
    };
  }

  list(tenant: string, query: ListQuery): Promise<Page<AlertView>> {
    return listPage(this.eventing.pool, this.spec, [tenant], query, alertView);
  }

  async firingBySeverity(tenant: string): Promise<Record<string, number>> {
    const { rows } = await this.eventing.pool.query<{ severity: string; n: string }>(
      `SELECT severity, count(*) AS n FROM ${this.spec.table} WHERE tenant = $1 AND state = 'firing' GROUP BY severity`, [tenant]);
    return Object.fromEntries(rows.map((r) => [r.severity, Number(r.n)]));
  }
}
