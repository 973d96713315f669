import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The Prometheus text exposition format's content type (what Registry.contentType answers). */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * The Prometheus registry of one service instance: Node's default process
 * metrics (`hive_process_*`, `hive_nodejs_*`), the metrics every service
 * shares (HTTP requests, container cpu and memory, database connections), and
 * whatever the service adds (`registry.register`, or prom-client metrics
 * created with `registers: [metrics.registry]`). Every series carries the
 * `service` label.
 */
export class HiveMetricsRegistry {
  readonly registry = new Registry();
  /** The Hive document's hive_api_request_duration_seconds: every HTTP request the service answers. */
  readonly apiRequestDuration: Histogram<'method' | 'route' | 'status'>;
  /** Responses with a 5xx status (the Hive document's HighErrorRate rule reads its rate). */
  readonly apiErrors: Counter<'method' | 'route' | 'status'>;
  readonly containerCpuUsagePercent: Gauge;
  readonly containerMemoryUsageBytes: Gauge;
  readonly databaseConnectionsActive: Gauge;

  constructor(readonly service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry, prefix: 'hive_' });
    this.apiRequestDuration = new Histogram({
      name: 'hive_api_request_duration_seconds', help: 'HTTP request duration by method, route and status.',
      labelNames: ['method', 'route', 'status'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers: [this.registry],
    });
    this.apiErrors = new Counter({ name: 'hive_api_errors_total', help: 'HTTP responses with a 5xx status.', labelNames: ['method', 'route', 'status'], registers: [this.registry] });
    this.containerCpuUsagePercent = new Gauge({ name: 'hive_container_cpu_usage_percent', help: 'CPU used by this process over the last sample interval, percent of one core.', registers: [this.registry] });
    this.containerMemoryUsageBytes = new Gauge({ name: 'hive_container_memory_usage_bytes', help: 'Resident memory of this process.', registers: [this.registry] });
    this.databaseConnectionsActive = new Gauge({ name: 'hive_database_connections_active', help: 'PostgreSQL connections of this instance that are checked out.', registers: [this.registry] });
  }

  /** The text exposition for GET /metrics. */
  async exposition(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
