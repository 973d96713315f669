import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { AlertSeverity } from '@hive/contracts';
import { ConcurrencyError, schemaIdent, type PostgresEventStore, type Queryable } from '@hive/event-store';
import { sampleTimestampNs } from '../../metrics-store/line-protocol';
import type { MetricPoint } from '../../metrics-store/metric-point';
import { Measurements } from '../../metrics-store/metrics-schema';
import type { MonitorReading } from '../../snapshots/monitor-reader';
import { evaluate, observedValue } from '../condition/condition-expression';
import type { AlertRule } from '../rules/alert-rule';
import { subjectsOf } from '../rules/alert-scopes';
import { alertDecider, alertStreamId, type AlertEvent, type AlertState } from './alert.decider';

interface Tracked {
  state: AlertState;
  version: number;
  readonly rule: string;
  readonly subject: string | undefined;
  severity: AlertSeverity;
}

export interface AlertRound {
  readonly fired: number;
  readonly resolved: number;
  readonly firing: Readonly<Record<AlertSeverity, number>>;
  readonly points: readonly MetricPoint[];
}

/**
 * Evaluates the alert rules against a reading and appends system.alert /
 * system.alert_resolved to each (rule, subject) stream through the alert
 * decider. Runs on the lease holder only; `load` folds every alert stream
 * when the lease is taken, so cooldowns and firing alerts carry over.
 */
export class AlertEngine {
  private readonly logger = new Logger(AlertEngine.name);
  private readonly tracked = new Map<string, Tracked>();

  constructor(private readonly store: PostgresEventStore, private readonly serviceStaleMs: number) {}

  async load(db: Queryable): Promise<void> {
    this.tracked.clear();
    const { rows } = await db.query<{ stream_id: string; stream_version: number; type: AlertEvent['type']; data: AlertEvent['data']; occurred_at: Date }>(
      `SELECT stream_id, stream_version, type, data, occurred_at FROM ${schemaIdent(this.store.schema)}.events
       WHERE starts_with(stream_id, 'alert:') ORDER BY stream_id, stream_version`,
    );
    for (const row of rows) {
      const t = this.tracked.get(row.stream_id) ?? { state: alertDecider.initialState(), version: 0, rule: row.data.rule, subject: row.data.subject, severity: row.data.severity };
      t.state = alertDecider.evolve(t.state, { type: row.type, data: row.data, occurredAt: row.occurred_at.toISOString() } as AlertEvent);
      t.version = row.stream_version;
      t.severity = row.data.severity;
      this.tracked.set(row.stream_id, t);
    }
  }

  /** Counts of firing alerts by severity. */
  firingCounts(): Record<AlertSeverity, number> {
    const counts: Record<AlertSeverity, number> = { info: 0, warning: 0, critical: 0 };
    for (const t of this.tracked.values()) if (t.state.status === 'firing') counts[t.severity]++;
    return counts;
  }

  async evaluate(db: Queryable, rules: readonly AlertRule[], rejected: ReadonlySet<string>, reading: MonitorReading): Promise<AlertRound> {
    const now = reading.at.toISOString();
    const points: MetricPoint[] = [];
    let fired = 0;
    let resolved = 0;
    const seen = new Set<string>();
    const apply = async (streamId: string, rule: string, subject: string | undefined, severity: AlertSeverity, command: Parameters<typeof alertDecider.decide>[0]) => {
      const t = this.tracked.get(streamId) ?? { state: alertDecider.initialState(), version: 0, rule, subject, severity };
      const events = alertDecider.decide(command, t.state);
      if (events.length === 0) return;
      try {
        const result = await this.store.appendToStream(db, streamId, events, {
          expectedVersion: t.version, tenant: 'system', correlationId: command.alertId, causationId: null, key: `${rule}:${subject ?? '*'}`,
        });
        t.state = events.reduce(alertDecider.evolve, t.state);
        t.version = result.nextVersion;
        t.severity = severity;
        this.tracked.set(streamId, t);
      } catch (error) {
        if (!(error instanceof ConcurrencyError)) throw error;
        // Another instance appended (a lease hand-over): read again next round.
        this.logger.warn(`alert stream ${streamId} moved on elsewhere; reloading`);
        await this.load(db);
        return;
      }
      for (const event of events) {
        if (event.type === 'system.alert') fired++;
        else resolved++;
        this.logger.log(`${event.type === 'system.alert' ? 'FIRING' : 'resolved'} ${severity} ${rule}${subject ? ` (${subject})` : ''}: ${event.data.message}`);
        points.push({
          measurement: Measurements.alert, tags: { rule, severity, subject: subject ?? '' },
          fields: { firing: event.type === 'system.alert' ? 1 : 0, value: event.data.value }, timestampNs: sampleTimestampNs(reading.at),
        });
      }
    };

    for (const rule of rules) {
      for (const { subject, values } of subjectsOf(rule.scope, reading, this.serviceStaleMs)) {
        const streamId = alertStreamId(rule.name, subject);
        seen.add(streamId);
        const met = evaluate(rule.tree, values) === true;
        const value = observedValue(rule.tree, values);
        const message = (rule.message ?? `${rule.name}: ${rule.condition}${subject ? ` for ${subject}` : ''} (value ${round(value)})`)
          .replaceAll('{subject}', subject ?? 'cluster').replaceAll('{value}', String(round(value))).replaceAll('{rule}', rule.name);
        await apply(streamId, rule.name, subject, rule.severity, {
          type: 'EvaluateAlert', now, alertId: randomUUID(),
          data: { rule: rule.name, severity: rule.severity, condition: rule.condition, ...(subject === undefined ? {} : { subject }), met, value, cooldownSeconds: rule.cooldownSeconds, message },
        });
      }
    }
    // Firing alerts whose rule was removed or whose subject is gone resolve (a rule rejected for an error keeps its alerts).
    for (const [streamId, t] of [...this.tracked]) {
      if (seen.has(streamId) || t.state.status !== 'firing' || rejected.has(t.rule)) continue;
      const why = rules.some((r) => r.name === t.rule) ? `${t.subject ?? 'subject'} no longer exists` : `rule ${t.rule} was removed`;
      await apply(streamId, t.rule, t.subject, t.severity, {
        type: 'EvaluateAlert', now, alertId: randomUUID(),
        data: { rule: t.rule, severity: t.severity, condition: 'n/a', ...(t.subject === undefined ? {} : { subject: t.subject }), met: false, value: 0, cooldownSeconds: 0, message: why },
      });
    }
    return { fired, resolved, firing: this.firingCounts(), points };
  }
}

const round = (n: number) => Math.round(n * 100) / 100;
