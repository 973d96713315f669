import { randomUUID } from 'node:crypto';
import { Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import { HiveHeaders, ServiceMetricsSampled, Topics, type Envelope, type ServiceMetricsSampledData } from '@hive/contracts';
import type { HiveEventing } from '@hive/messaging';
import type { HiveMetricsRegistry } from '../metrics/hive-metrics.registry';
import { ProcessSampler } from './process-sampler';

/**
 * Publishes a service.metrics_sampled of this instance to hive.service.telemetry
 * every `intervalMs`, and keeps the instance's container gauges current.
 *
 * Why push over Kafka rather than let the monitor scrape: services talk only
 * through Kafka, and the monitor cannot know where every instance listens (they
 * scale out and move); every instance already has a Kafka client, the topic
 * keeps a day of samples for a monitor that was down, and a missing sample is
 * itself the signal that an instance is down. The sample is telemetry, not
 * state, so it goes straight to Kafka (no outbox); losing one is harmless.
 */
export class ServiceTelemetryPublisher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ServiceTelemetryPublisher.name);
  private readonly sampler: ProcessSampler;
  private producer: Producer | undefined;
  private timer: NodeJS.Timeout | undefined;
  private sending = false;

  constructor(private readonly eventing: HiveEventing, private readonly metrics: HiveMetricsRegistry, private readonly intervalMs: number, instanceId?: string) {
    this.sampler = new ProcessSampler(metrics.service, instanceId);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.intervalMs <= 0) return;
    this.producer = this.eventing.kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 2 } });
    await this.producer.connect();
    this.timer = setInterval(() => void this.publish(), this.intervalMs);
    this.timer.unref();
    void this.publish();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.sampler.stop();
    await this.producer?.disconnect().catch(() => undefined);
  }

  private async publish(): Promise<void> {
    if (this.sending || !this.producer) return;
    this.sending = true;
    try {
      const data: ServiceMetricsSampledData = this.sampler.sample();
      this.metrics.containerCpuUsagePercent.set(data.cpuUsage);
      this.metrics.containerMemoryUsageBytes.set(data.memoryRssBytes);
      this.metrics.databaseConnectionsActive.set(Math.max(0, this.eventing.pool.totalCount - this.eventing.pool.idleCount));
      const envelope: Envelope = {
        id: randomUUID(), type: ServiceMetricsSampled.type, version: ServiceMetricsSampled.version, source: data.service, tenant: 'system',
        occurredAt: data.timestamp, correlationId: randomUUID(), causationId: null, data,
      };
      await this.producer.send({
        topic: this.eventing.topic(Topics.serviceTelemetry.name),
        messages: [{
          key: `${data.service}/${data.instanceId}`, value: JSON.stringify(envelope),
          headers: { [HiveHeaders.messageType]: envelope.type, [HiveHeaders.messageVersion]: String(envelope.version), [HiveHeaders.contentType]: 'application/json' },
        }],
      });
    } catch (error) {
      this.logger.warn(`telemetry sample not published: ${(error as Error).message}`);
    } finally {
      this.sending = false;
    }
  }
}
