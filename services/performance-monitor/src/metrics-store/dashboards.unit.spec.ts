import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { createWebsocketConnectionsGauge, HiveMetricsRegistry } from '@hive/observability';
import { MonitorMetrics } from '../monitor-metrics';
import { METRICS_SCHEMA } from './metrics-schema';

const infra = path.join(__dirname, '../../../../infra');
const dashboards = readdirSync(path.join(infra, 'grafana/dashboards')).filter((f) => f.endsWith('.json'))
  .map((file) => ({ file, doc: JSON.parse(readFileSync(path.join(infra, 'grafana/dashboards', file), 'utf8')) as Dashboard }));

interface Target { datasource: { uid: string }; query?: string; expr?: string }
interface Dashboard { uid: string; title: string; panels: Array<{ title: string; datasource: { uid: string }; targets: Target[] }> }

/** Every Prometheus metric a Hive service exposes (the shared registry plus the monitor's domain metrics). */
async function prometheusNames(): Promise<Set<string>> {
  const metrics = new HiveMetricsRegistry('test');
  new MonitorMetrics(metrics);
  // The gateway's live connections gauge, registered where the WebSocket server lives.
  createWebsocketConnectionsGauge(metrics);
  return new Set((await metrics.registry.getMetricsAsJSON()).map((m) => m.name));
}

const referencedPromMetrics = (expr: string) => [...expr.matchAll(/\bhive_[a-z0-9_]+/g)].map((m) => m[0].replace(/_(bucket|count|sum)$/, ''));

describe('dashboards and alerting rules stay within the metrics Hive writes', () => {
  it('provisions the five dashboards with unique uids on the provisioned datasources', () => {
    expect(dashboards.map((d) => d.doc.uid).sort()).toEqual(['hive-agents', 'hive-alerts', 'hive-cluster', 'hive-tasks', 'hive-workflows']);
    for (const { doc } of dashboards) {
      for (const panel of doc.panels) {
        for (const target of panel.targets) expect(['hive-influxdb', 'hive-prometheus']).toContain(target.datasource.uid);
      }
    }
  });

  it('queries only documented measurements, fields and tags in Flux', () => {
    const problems: string[] = [];
    for (const { file, doc } of dashboards) {
      for (const panel of doc.panels) {
        for (const target of panel.targets.filter((t) => t.query)) {
          const query = target.query ?? '';
          const where = `${file} "${panel.title}"`;
          const measurement = /r\._measurement == "([^"]+)"/.exec(query)?.[1] ?? '';
          const schema = METRICS_SCHEMA[measurement as keyof typeof METRICS_SCHEMA];
          if (!schema) { problems.push(`${where}: unknown measurement "${measurement}"`); continue; }
          for (const [, field] of query.matchAll(/r\._field == "([^"]+)"/g)) if (!schema.fields.includes(field)) problems.push(`${where}: unknown field ${measurement}.${field}`);
          for (const [, tag] of query.matchAll(/r\.([a-z_]+) ==/g)) if (!tag.startsWith('_') && !schema.tags.includes(tag)) problems.push(`${where}: unknown tag ${measurement}.${tag}`);
          for (const [, columns] of query.matchAll(/group\(columns: (\[[^\]]*\])\)/g)) {
            for (const column of JSON.parse(columns) as string[]) if (column !== '_field' && !schema.tags.includes(column)) problems.push(`${where}: groups by unknown tag ${column}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('uses only metrics the services expose, in dashboards and in the Prometheus rules', async () => {
    const names = await prometheusNames();
    const rules = parseYaml(readFileSync(path.join(infra, 'prometheus/alerts.yml'), 'utf8')) as { groups: Array<{ rules: Array<{ alert: string; expr: string }> }> };
    const exprs = [
      ...dashboards.flatMap(({ file, doc }) => doc.panels.flatMap((p) => p.targets.filter((t) => t.expr).map((t) => ({ where: `${file} "${p.title}"`, expr: t.expr ?? '' })))),
      ...rules.groups.flatMap((g) => g.rules.map((r) => ({ where: `alerts.yml ${r.alert}`, expr: r.expr }))),
    ];
    const unknown = exprs.flatMap(({ where, expr }) => referencedPromMetrics(expr).filter((n) => !names.has(n)).map((n) => `${where}: ${n}`));
    expect(unknown).toEqual([]);
    // The Hive document's two rules are there, as written.
    const byName = Object.fromEntries(rules.groups.flatMap((g) => g.rules).map((r) => [r.alert, r]));
    expect(byName['HighErrorRate']).toMatchObject({ expr: expect.stringContaining('rate(hive_api_errors_total[5m])) > 0.1'), for: '2m', labels: { severity: 'warning' } });
    expect(byName['AgentDown']).toMatchObject({ expr: expect.stringContaining('hive_agent_health_status) == 0'), for: '1m', labels: { severity: 'critical' } });
  });
});
