/**
 * Measures how far the performance monitor runs behind the event stream, and
 * how many points per second it writes to the metrics store, while some other
 * load (the task benchmark, or monitor.bench.ts's generator) runs.
 *
 * Lag of a Kafka batch = the moment the monitor's checkpoint for that
 * partition passes the batch's last offset (read from the monitor's
 * `consumer_checkpoints`, committed in the same transaction as its
 * projection) minus the moment this probe's own consumer received the batch.
 * It is what an operator sees: how long after an event is on Kafka the
 * monitor's figures include it. Points/s come from the monitor's
 * `hive_metrics_points_written_total`.
 *
 * Use from another benchmark:
 *   const probe = await startMonitorLagProbe({ kafka, pool, topicPrefix, schemaPrefix, metricsUrl });
 *   ... run the load ...
 *   const figures = await probe.stop();   // { lagP50Ms, lagP99Ms, lagMaxMs, pointsPerSecond, ... }
 */
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { Topics } from '@hive/contracts';
import { percentile } from './bench-report';

export interface MonitorLagProbeOptions {
  readonly kafka: Kafka;
  readonly pool: Pool;
  /** The deployment's topic prefix (HIVE_TOPIC_PREFIX) and schema prefix (HIVE_SCHEMA_PREFIX). */
  readonly topicPrefix: string;
  readonly schemaPrefix: string;
  /** The monitor's /metrics URL, for points written; omit to skip points/s. */
  readonly metricsUrl?: string;
  /** How often the monitor's checkpoints are read. Default 25 ms (the lag's resolution). */
  readonly pollMs?: number;
}

export interface MonitorLagReport {
  readonly batchesMeasured: number;
  readonly lagP50Ms: number;
  readonly lagP95Ms: number;
  readonly lagP99Ms: number;
  readonly lagMaxMs: number;
  /** Batches the monitor had not applied when the probe stopped, and the oldest one's age. */
  readonly pendingAtStop: number;
  readonly oldestPendingMs: number;
  readonly pointsWritten: number;
  readonly pointsPerSecond: number;
  readonly durationSeconds: number;
}

export interface MonitorLagProbe {
  /** Resolves once the monitor has applied everything the probe saw (or after `timeoutMs`). */
  caughtUp(timeoutMs?: number): Promise<boolean>;
  stop(): Promise<MonitorLagReport>;
}

interface Pending { readonly topic: string; readonly partition: number; readonly lastOffset: bigint; readonly receivedAt: number }

const EVENT_TOPICS = [Topics.taskEvents, Topics.agentEvents, Topics.executionEvents, Topics.workflowEvents, Topics.mcpEvents, Topics.agentTelemetry, Topics.serviceTelemetry].map((t) => t.name);

async function pointsWritten(metricsUrl: string | undefined): Promise<number> {
  if (!metricsUrl) return 0;
  const text = await (await fetch(metricsUrl)).text();
  return Number(/^hive_metrics_points_written_total(?:\{[^}]*\})? (\S+)$/m.exec(text)?.[1] ?? 0);
}

export async function startMonitorLagProbe(options: MonitorLagProbeOptions): Promise<MonitorLagProbe> {
  const schema = `"${options.schemaPrefix}performance_monitor"`;
  const pending: Pending[] = [];
  const lags: number[] = [];
  const startedAt = performance.now();
  const pointsAtStart = await pointsWritten(options.metricsUrl);
  let lastApplied = startedAt;

  const consumer = options.kafka.consumer({ groupId: `bench-monitor-lag-${randomUUID()}`, readUncommitted: false, maxWaitTimeInMs: 20 });
  await consumer.connect();
  await consumer.subscribe({ topics: EVENT_TOPICS.map((t) => options.topicPrefix + t), fromBeginning: false });
  let assigned = false;
  consumer.on(consumer.events.GROUP_JOIN, () => (assigned = true));
  await consumer.run({
    partitionsConsumedConcurrently: 8,
    eachBatch: async ({ batch }) => {
      if (batch.messages.length === 0) return;
      pending.push({ topic: batch.topic, partition: batch.partition, lastOffset: BigInt(batch.lastOffset()), receivedAt: performance.now() });
    },
  });
  const deadline = Date.now() + 30_000;
  while (!assigned && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));

  let polling = true;
  const poll = (async () => {
    while (polling) {
      const { rows } = await options.pool.query<{ topic: string; partition: number; next_offset: string }>(
        `SELECT topic, partition, next_offset FROM ${schema}.consumer_checkpoints WHERE consumer = 'monitor'`,
      ).catch(() => ({ rows: [] }));
      const now = performance.now();
      const next = new Map(rows.map((r) => [`${r.topic}|${r.partition}`, BigInt(r.next_offset)]));
      for (let i = pending.length - 1; i >= 0; i--) {
        const p = pending[i];
        if ((next.get(`${p.topic}|${p.partition}`) ?? -1n) > p.lastOffset) {
          lags.push(now - p.receivedAt);
          lastApplied = now;
          pending.splice(i, 1);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 25));
    }
  })();

  return {
    caughtUp: async (timeoutMs = 120_000) => {
      const until = Date.now() + timeoutMs;
      while (pending.length > 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
      return pending.length === 0;
    },
    stop: async () => {
      polling = false;
      await poll;
      await consumer.disconnect();
      const stoppedAt = performance.now();
      const sorted = [...lags].sort((a, b) => a - b);
      const written = (await pointsWritten(options.metricsUrl)) - pointsAtStart;
      // Points/s over the time the monitor was working: until it applied the last batch.
      const busySeconds = Math.max(0.001, (lastApplied - startedAt) / 1000);
      return {
        batchesMeasured: lags.length,
        lagP50Ms: percentile(sorted, 50), lagP95Ms: percentile(sorted, 95), lagP99Ms: percentile(sorted, 99), lagMaxMs: sorted.at(-1) ?? NaN,
        pendingAtStop: pending.length, oldestPendingMs: pending.length ? stoppedAt - Math.min(...pending.map((p) => p.receivedAt)) : 0,
        pointsWritten: written, pointsPerSecond: written / busySeconds, durationSeconds: (stoppedAt - startedAt) / 1000,
      };
    },
  };
}
