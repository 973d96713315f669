import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import { AgentHealthSampled, Topics, type AgentHealthSampledData, type Envelope } from '@hive/contracts';
import { handleCommand, LeasedLoop } from '@hive/event-store';
import type { HiveEventing } from '@hive/messaging';
import { agentDecider, agentStreamId } from '../agent.decider';
import type { AgentRegistry, ManagedAgent } from '../agent-registry';
import { probeEndpoint } from '../probe-endpoint';
import { nextHealth, type HealthTrack } from './health-hysteresis';

/** Rounds after which an agent's models are recorded again even if the endpoint reports the same ones. */
const RECHECK_MODELS_ROUNDS = 30;

export interface HealthMonitorOptions {
  readonly intervalMs: number;
  /**
   * How soon an agent whose last probe failed is probed again, instead of waiting for the next full
   * round: the failure is confirmed (or cleared) within about this long. Default 1 s (capped by intervalMs).
   */
  readonly suspectRecheckMs?: number;
  /** Tasks running per agent id, for the busy status (optional). */
  readonly runningByAgent?: () => Promise<ReadonlyMap<string, number>>;
  readonly probeTimeoutMs: number;
  /** Probes in flight at once. */
  readonly concurrency: number;
  readonly connectionString: string;
}

/**
 * Probes every registered agent's endpoint on a schedule (one agent-manager
 * instance at a time, by lease). Each probe is a health sample on the
 * telemetry topic (not a domain event); a status that changes after
 * hysteresis becomes agent.status_changed, and a changed model list
 * agent.capabilities_detected.
 */
export class HealthMonitor {
  private readonly logger = new Logger(HealthMonitor.name);
  private readonly loop: LeasedLoop;
  private readonly tracks = new Map<string, HealthTrack>();
  /** Per agent, the model list last recorded (sorted, as JSON) and in which round. */
  private readonly recordedModels = new Map<string, { models: string; round: number }>();
  private producer: Producer | undefined;
  private rounds = 0;
  private lastRoundMs = 0;
  private nextFullRound = 0;
  private running: ReadonlyMap<string, number> = new Map();

  constructor(private readonly eventing: HiveEventing, private readonly registry: AgentRegistry, private readonly options: HealthMonitorOptions) {
    this.loop = new LeasedLoop({
      name: HealthMonitor.name,
      lease: { connectionString: options.connectionString, key: `hive-health.${eventing.schema}`, retryMs: 1_000 },
      onAcquire: async () => {
        // Telemetry is best effort (a lost sample is replaced by the next round): no idempotence, leader ack only.
        // (kafkajs refuses acks other than -1 on an idempotent producer, which once dropped every round's samples.)
        this.producer ??= this.eventing.kafka.producer({ allowAutoTopicCreation: false });
        await this.producer.connect();
      },
      step: async () => {
        const started = Date.now();
        if (started >= this.nextFullRound) {
          this.nextFullRound = started + this.options.intervalMs;
          await this.round();
          this.lastRoundMs = Date.now() - started;
          this.rounds++;
        } else {
          // Between full rounds: only the agents whose last probe failed, to confirm or clear it soon.
          await this.round((agent) => this.isSuspect(agent));
        }
        const untilFull = Math.max(0, this.nextFullRound - Date.now());
        const recheck = Math.min(this.options.suspectRecheckMs ?? 1_000, this.options.intervalMs);
        return [...this.tracks.values()].some((track) => track.failures > 0 && track.status !== 'offline') ? Math.min(recheck, untilFull) : untilFull;
      },
    });
  }

  /** Completed probe rounds and how long the last one took. */
  get stats(): { rounds: number; lastRoundMs: number } {
    return { rounds: this.rounds, lastRoundMs: this.lastRoundMs };
  }

  start(): void {
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    await this.producer?.disconnect();
  }

  private isSuspect(agent: ManagedAgent): boolean {
    const track = this.tracks.get(`${agent.tenant}/${agent.agentId}`);
    return track !== undefined && track.failures > 0 && track.status !== 'offline';
  }

  private async round(only?: (agent: ManagedAgent) => boolean): Promise<void> {
    const all = await this.registry.all(this.eventing.pool);
    const agents = only ? all.filter(only) : all;
    if (agents.length === 0) return;
    this.running = (await this.options.runningByAgent?.()) ?? new Map();
    const samples: Envelope<string, AgentHealthSampledData>[] = [];
    let next = 0;
    const worker = async () => {
      while (next < agents.length && !this.loop.isStopped) {
        const agent = agents[next++];
        samples.push(await this.probe(agent));
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency, agents.length) }, worker));
    if (samples.length > 0 && this.producer) {
      await this.producer.send({
        topic: this.eventing.topic(Topics.agentTelemetry.name),
        acks: 1,
        messages: samples.map((sample) => ({ key: sample.data.agentId, value: JSON.stringify(sample), headers: { 'hive-type': sample.type } })),
      });
    }
  }

  private async probe(agent: ManagedAgent): Promise<Envelope<string, AgentHealthSampledData>> {
    const key = `${agent.tenant}/${agent.agentId}`;
    const started = Date.now();
    const probe = await probeEndpoint({ kind: agent.provider, baseUrl: agent.endpoint }, this.options.probeTimeoutMs);
    const responseTimeMs = probe.responseTimeMs ?? Date.now() - started;
    const track = this.tracks.get(key) ?? { status: agent.status, failures: 0, slow: 0 };
    const load = { running: this.running.get(agent.agentId) ?? 0, maxConcurrent: agent.maxConcurrent };
    const { track: updated, reason } = nextHealth(track, { ok: probe.reachable, responseTimeMs, error: probe.error, load }, agent.maxResponseTimeMs);
    this.tracks.set(key, updated);
    if (updated.status !== agent.status) await this.record(agent, { type: 'RecordHealth', data: { agentId: agent.agentId, status: updated.status, reason } });
    // The models an endpoint serves rarely change: ask the Agent only when they differ from what this monitor last
    // recorded, or every RECHECK_MODELS_ROUNDS rounds (the Agent may have changed meanwhile, e.g. by UpdateAgent);
    // a transaction and a stream read per agent per round would otherwise be most of the monitor's work.
    const models = JSON.stringify([...probe.models].sort());
    const recorded = this.recordedModels.get(key);
    const stale = !recorded || recorded.models !== models || this.rounds - recorded.round >= RECHECK_MODELS_ROUNDS;
    if (probe.reachable && stale && (await this.record(agent, { type: 'RecordCapabilities', data: { agentId: agent.agentId, probe } }))) {
      this.recordedModels.set(key, { models, round: this.rounds });
    }
    return {
      id: randomUUID(), type: AgentHealthSampled.type, version: AgentHealthSampled.version, source: 'agent-manager', tenant: agent.tenant,
      occurredAt: new Date().toISOString(), correlationId: randomUUID(), causationId: null,
      data: {
        agentId: agent.agentId, timestamp: new Date().toISOString(), responseTimeMs, tokensPerSecond: 0, cpuUsage: 0, memoryUsage: 0, gpuUsage: 0,
        available: probe.reachable, ...(probe.error ? { errorMessage: probe.error.slice(0, 2000) } : {}),
      },
    };
  }

  /** Decides and records one command for the agent; false when that failed (logged). */
  private async record(agent: ManagedAgent, command: Parameters<typeof agentDecider.decide>[0]): Promise<boolean> {
    const tx = await this.eventing.pool.connect();
    try {
      await tx.query('BEGIN');
      const result = await handleCommand(this.eventing.store, tx, agentStreamId(agent.tenant, agent.agentId), agentDecider, command, {
        tenant: agent.tenant, correlationId: randomUUID(), causationId: null, key: agent.agentId,
      });
      if (result.envelopes.length > 0) await this.registry.save(tx, agent.tenant, result.state);
      await tx.query('COMMIT');
      return true;
    } catch (error) {
      await tx.query('ROLLBACK').catch(() => undefined);
      this.logger.warn(`could not record ${command.type} for ${agent.agentId}: ${(error as Error).message}`);
      return false;
    } finally {
      tx.release();
    }
  }
}
