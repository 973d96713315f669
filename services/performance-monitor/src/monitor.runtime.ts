import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ClusterSnapshot, hiveCatalogue, PerformanceSnapshot, Topics, type Envelope } from '@hive/contracts';
import { LeasedLoop, type OutboxMessage } from '@hive/event-store';
import { HiveEventing, type ConsumedMessage } from '@hive/messaging';
import { HiveMetricsRegistry } from '@hive/observability';
import { ProjectionRunner } from '@hive/projections';
import { AlertEngine } from './alerting/alert/alert-engine';
import { AlertRulesFile } from './alerting/rules/alert-rules-file';
import { MonitorProjection } from './collecting/monitor-projection';
import { PerformanceMonitorConfig } from './config/performance-monitor.config';
import { BufferedMetricsWriter } from './metrics-store/buffered-metrics-writer';
import { InfluxLineTransport } from './metrics-store/influx-line-transport';
import { MonitorMetrics } from './monitor-metrics';
import { clusterPoint } from './snapshots/cluster-point';
import { MonitorReader, type MonitorReading } from './snapshots/monitor-reader';

const PRUNE_EVERY_MS = 10 * 60_000;

/**
 * Wires the performance monitor:
 * - a projection over every event topic and the telemetry topics (every
 *   instance, partitions shared by the group) that keeps the monitor's read
 *   model and hands each committed batch's points to the metrics writer;
 * - the buffered writer to InfluxDB (VictoriaMetrics locally);
 * - on the lease holder only, the monitor loop: read the model, evaluate the
 *   alert rules (system.alert / system.alert_resolved through the outbox),
 *   publish the performance and cluster snapshots for the gateway, write the
 *   cluster point;
 * - on every instance, the Prometheus gauges from the same reading.
 */
@Injectable()
export class MonitorRuntime implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(MonitorRuntime.name);
  readonly projection: MonitorProjection;
  readonly writer: BufferedMetricsWriter;
  readonly reader: MonitorReader;
  readonly rules: AlertRulesFile;
  readonly alerts: AlertEngine;
  readonly metrics: MonitorMetrics;
  private readonly runner: ProjectionRunner;
  private readonly loop: LeasedLoop;
  private gaugeTimer: NodeJS.Timeout | undefined;
  private lastPrune = 0;
  private lastEventAt = 0;
  /** When this instance last ran the leased loop (which updates the gauges itself). */
  private lastStepAt = 0;

  constructor(private readonly eventing: HiveEventing, private readonly config: PerformanceMonitorConfig, registry: HiveMetricsRegistry) {
    const { schema, pool } = eventing;
    this.metrics = new MonitorMetrics(registry);
    this.projection = new MonitorProjection(schema);
    this.writer = new BufferedMetricsWriter({
      transport: new InfluxLineTransport({ url: config.INFLUX_URL, token: config.INFLUX_TOKEN, org: config.INFLUX_ORG, bucket: config.INFLUX_BUCKET, maxBatchLines: config.METRICS_BATCH_SIZE }),
      maxBufferedLines: config.METRICS_BUFFER_MAX_POINTS, batchSize: config.METRICS_BATCH_SIZE, flushIntervalMs: config.METRICS_FLUSH_INTERVAL_MS,
      onWritten: (n) => this.metrics.pointsWritten.inc(n), onDropped: (n) => this.metrics.pointsDropped.inc(n),
    });
    this.reader = new MonitorReader(schema, config.SERVICE_STALE_MS);
    this.rules = new AlertRulesFile(config.ALERT_RULES_FILE ?? path.join(__dirname, '..', 'alert-rules.yaml'), config.ALERT_RULES_POLL_MS);
    this.alerts = new AlertEngine(eventing.store, config.SERVICE_STALE_MS);
    this.runner = new ProjectionRunner({
      kafka: eventing.kafka, pool, schema, catalogue: hiveCatalogue, topicPrefix: eventing.topicPrefix, projections: [this.projection],
      afterCommit: (_name, messages) => this.afterCommit(messages),
    });
    this.loop = new LeasedLoop({
      name: 'MonitorLoop',
      lease: { connectionString: config.DATABASE_URL, key: `${eventing.topicPrefix}${schema}.monitor-loop` },
      onAcquire: async () => {
        await this.alerts.load(pool);
        this.logger.log('monitor loop active: evaluating alerts and publishing snapshots');
      },
      step: async () => {
        await this.step();
        return config.MONITOR_INTERVAL_MS;
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.writer.start();
    this.rules.start();
    await this.runner.start();
    this.loop.start();
    this.gaugeTimer = setInterval(() => void this.refreshGauges(), this.config.MONITOR_INTERVAL_MS);
    this.gaugeTimer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.gaugeTimer) clearInterval(this.gaugeTimer);
    await this.loop.stop();
    await this.runner.stop();
    this.rules.stop();
    await this.writer.stop();
  }

  /** Seconds between now and the event time of the newest event applied (0 when none yet). */
  lagSeconds(now = Date.now()): number {
    return this.lastEventAt === 0 ? 0 : Math.max(0, (now - this.lastEventAt) / 1000);
  }

  private afterCommit(messages: readonly ConsumedMessage[]): void {
    for (const message of messages) {
      this.writer.write(this.projection.pointsOf(message));
      const type = message.envelope.type;
      if (type.startsWith('workflow.execution_')) this.metrics.workflowExecutions.inc({ status: type.slice('workflow.execution_'.length) });
      this.lastEventAt = Math.max(this.lastEventAt, Date.parse(message.envelope.occurredAt));
    }
    this.metrics.pointsBuffered.set(this.writer.stats().buffered);
    this.metrics.lagSeconds.set(this.lagSeconds());
  }

  private async refreshGauges(): Promise<void> {
    if (Date.now() - this.lastStepAt < this.config.MONITOR_INTERVAL_MS) return;
    try {
      const reading = await this.reader.read(this.eventing.pool, new Date());
      this.metrics.update(reading, undefined);
      this.metrics.pointsBuffered.set(this.writer.stats().buffered);
    } catch (error) {
      this.logger.warn(`gauges not refreshed: ${(error as Error).message}`);
    }
  }

  /** One round of the leased loop. */
  async step(at = new Date()): Promise<MonitorReading> {
    this.lastStepAt = Date.now();
    const { pool, store } = this.eventing;
    const reading = await this.reader.read(pool, at);
    const rejected = new Set(this.rules.status().errors.flatMap((e) => (e.rule ? [e.rule] : [])));
    const round = await this.alerts.evaluate(pool, this.rules.rules, rejected, reading);
    this.metrics.update(reading, round.firing);
    const envelope = (type: string, version: number, tenant: string, data: unknown): Envelope => ({
      id: randomUUID(), type, version, source: 'performance-monitor', tenant, occurredAt: reading.at.toISOString(),
      correlationId: randomUUID(), causationId: null, data,
    });
    const messages: OutboxMessage[] = [
      { topic: Topics.monitorTelemetry.name, key: 'performance:*', envelope: envelope(PerformanceSnapshot.type, PerformanceSnapshot.version, 'system', reading.performance) },
      ...reading.performanceByTenant.map((snapshot) => ({
        topic: Topics.monitorTelemetry.name, key: `performance:${snapshot.tenant}`,
        envelope: envelope(PerformanceSnapshot.type, PerformanceSnapshot.version, snapshot.tenant ?? 'system', snapshot),
      })),
      { topic: Topics.monitorTelemetry.name, key: 'cluster', envelope: envelope(ClusterSnapshot.type, ClusterSnapshot.version, 'system', { ...reading.cluster, alertsFiring: round.firing }) },
    ];
    for (const m of messages) hiveCatalogue.checkData(m.envelope.type, m.envelope.version, m.envelope.data);
    await store.enqueue(pool, messages);

    this.writer.write([...round.points, clusterPoint(reading, round.firing, this.lagSeconds(reading.at.getTime()))]);
    if (reading.at.getTime() - this.lastPrune > PRUNE_EVERY_MS) {
      this.lastPrune = reading.at.getTime();
      await this.reader.prune(pool, reading.at);
    }
    return reading;
  }
}
