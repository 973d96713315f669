import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { Pool } from 'pg';
import { CallMcpTool, CreateTask, StartExecution, type Envelope } from '@hive/contracts';
import { LeasedLoop, type DurableTimers, type OutboxMessage, type Timer } from '@hive/event-store';
import { effectId, type EffectResult } from '../nodes/effects';
import { performHttp } from '../nodes/http-performer';
import type { EngineTables } from '../persistence/engine-tables';
import { ExecutionDriver, type DriverDeps, type StartedEffect } from './execution-driver';
import type { ExecutionRepository } from './execution-repository';
import type { ExecutionWrite, ExecutionWriter } from './execution-writer';
import { isTerminal } from './execution.events';

export const TIMER_WAIT = 'workflow.wait';
export const TIMER_TIMEOUT = 'workflow.execution_timeout';

export interface InboxRow {
  readonly id: string;
  readonly executionId: string;
  readonly kind: string;
  readonly payload: unknown;
}

interface Live {
  readonly executionId: string;
  readonly tenant: string;
  readonly driver: ExecutionDriver;
  version: number;
  inbox: InboxRow[];
  inflight: number;
  pumping: boolean;
  again: boolean;
  /** Effects that completed in memory, applied at the next turn. */
  completions: Array<() => void>;
}

export interface RunnerOptions {
  readonly pool: Pool;
  readonly connectionString: string;
  readonly schema: string;
  readonly source: string;
  readonly tables: EngineTables;
  readonly repository: ExecutionRepository;
  readonly writer: ExecutionWriter;
  readonly timers: DurableTimers;
  readonly deps: DriverDeps;
}

const envelope = <T>(type: string, tenant: string, correlationId: string, data: T, source: string): Envelope<string, T> => ({
  id: randomUUID(), type, version: 1, source, tenant, occurredAt: new Date().toISOString(), correlationId, causationId: null, data,
});

/** The StartExecution of a failed execution's settings.errorWorkflow (n8n's Error Trigger input), if it has one. */
export function errorWorkflowStart(driver: ExecutionDriver, tenant: string, source: string): OutboxMessage | undefined {
  const { state } = driver;
  const errorWorkflow = driver.workflow.settings.errorWorkflow;
  if (state.status !== 'failed' || typeof errorWorkflow !== 'string' || errorWorkflow === '' || errorWorkflow === state.workflowId) return undefined;
  const data = {
    executionId: effectId('wfe', state.executionId, 'errorWorkflow', state.attempt), workflowId: errorWorkflow,
    input: { execution: { id: state.executionId, error: { message: state.error ?? '' }, lastNodeExecuted: state.failedNode ?? null, mode: 'trigger' }, workflow: { id: state.workflowId, name: driver.info.name } },
  };
  return { topic: StartExecution.topic, key: data.executionId, envelope: envelope(StartExecution.type, tenant, state.executionId, data, source) };
}

/**
 * Runs executions to their end. One instance at a time holds the runner's
 * lease; it resumes every active execution when it takes the lease (after a
 * crash, from the last committed event), picks up new ones and inbox rows
 * (timers fired, task and tool outcomes, cancels) when notified, and is the
 * only writer of a running execution's stream.
 *
 * Order of a node with a side effect: node_started (with its durable
 * intents: timer, CreateTask, CallMcpTool) is committed first, then the
 * effect runs, then node_completed is appended. After a crash between the
 * two, the node is found running and its effect is repeated under the same
 * idempotency key (HTTP) or simply awaited (timers, tasks, tool calls).
 */
export class ExecutionRunner {
  private readonly logger = new Logger(ExecutionRunner.name);
  private readonly loop: LeasedLoop;
  private readonly live = new Map<string, Live>();
  private readonly loading = new Map<string, Promise<Live | undefined>>();
  private activeSeq = '0';
  private inboxSeen = '0';

  constructor(private readonly options: RunnerOptions) {
    this.loop = new LeasedLoop({
      name: `${ExecutionRunner.name}:${options.schema}`,
      lease: { connectionString: options.connectionString, key: `hive-wfe-runner.${options.schema}`, retryMs: 500, listen: [options.tables.channel] },
      onAcquire: async () => {
        this.activeSeq = '0';
        this.inboxSeen = '0';
      },
      step: () => this.step(),
    });
  }

  start(): void {
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }

  get liveCount(): number {
    return this.live.size;
  }

  private async step(): Promise<'again' | number> {
    const { tables, pool } = this.options;
    const fresh = await tables.activeAfter(pool, this.activeSeq, 500);
    for (const row of fresh) {
      this.activeSeq = row.seq;
      void this.ensureLive(row.executionId).then((live) => live && this.pump(live));
    }
    const inbox = await tables.inboxAfter(pool, this.inboxSeen, 500);
    for (const row of inbox) {
      this.inboxSeen = row.id;
      void this.ensureLive(row.executionId).then(async (live) => {
        if (live) {
          live.inbox.push(row);
          this.pump(live);
        } else {
          // The execution already ended: the row is moot.
          await tables.deleteInbox(pool, [row.id]);
        }
      });
    }
    return fresh.length === 500 || inbox.length === 500 ? 'again' : 1_000;
  }

  private ensureLive(executionId: string): Promise<Live | undefined> {
    const existing = this.live.get(executionId);
    if (existing) return Promise.resolve(existing);
    const loading = this.loading.get(executionId);
    if (loading) return loading;
    const promise = this.load(executionId).finally(() => this.loading.delete(executionId));
    this.loading.set(executionId, promise);
    return promise;
  }

  private async load(executionId: string): Promise<Live | undefined> {
    try {
      const loaded = await this.options.repository.load(this.options.pool, executionId);
      if (!loaded || loaded.state.status !== 'running') {
        await this.options.tables.removeActive(this.options.pool, [executionId]);
        return undefined;
      }
      const driver = new ExecutionDriver(loaded.workflow.compiled, { name: loaded.workflow.name, active: true }, loaded.state, this.options.deps);
      const live: Live = { executionId, tenant: loaded.tenant, driver, version: loaded.version, inbox: [], inflight: 0, pumping: false, again: false, completions: [] };
      this.live.set(executionId, live);
      // Effects that started before a restart: HTTP is sent again under the same idempotency key; waits, tasks and tool calls are already durable.
      for (const effect of driver.inFlightEffects()) this.perform(live, effect);
      return live;
    } catch (error) {
      this.logger.error(`cannot load execution ${executionId}: ${(error as Error).message}`);
      return undefined;
    }
  }

  private pump(live: Live): void {
    if (live.pumping) {
      live.again = true;
      return;
    }
    live.pumping = true;
    void (async () => {
      try {
        do {
          live.again = false;
          await this.turn(live);
        } while (live.again);
      } catch (error) {
        this.logger.error(`execution ${live.executionId}: ${(error as Error).message}; reloading it`);
        this.live.delete(live.executionId);
        setTimeout(() => void this.ensureLive(live.executionId).then((l) => l && this.pump(l)), 500);
      } finally {
        live.pumping = false;
      }
    })();
  }

  private async turn(live: Live): Promise<void> {
    const { driver } = live;
    for (const apply of live.completions.splice(0)) apply();
    const inboxIds: string[] = [];
    for (const row of live.inbox.splice(0)) {
      inboxIds.push(row.id);
      const payload = row.payload as { node?: string; runIndex?: number; result?: EffectResult; reason?: string };
      if (row.kind === 'effect' && payload.node !== undefined && payload.runIndex !== undefined && payload.result) driver.completeEffect(payload.node, payload.runIndex, payload.result);
      else if (row.kind === 'cancel') driver.cancel(payload.reason ?? 'cancelled');
      else if (row.kind === 'timeout') driver.failExecution(`execution timed out after ${String(driver.workflow.settings.executionTimeout)} s (settings.executionTimeout)`);
    }
    const started: StartedEffect[] = driver.advance('all');
    const events = driver.takePending();
    if (events.length === 0 && inboxIds.length === 0) {
      this.idle(live);
      return;
    }
    const write = this.writeFor(live, events, started, inboxIds);
    await this.options.writer.write(write);
    live.version += events.length;
    if (write.terminal) {
      this.live.delete(live.executionId);
      return;
    }
    for (const effect of started) this.perform(live, effect);
    this.idle(live);
  }

  /** A running execution with nothing in memory to do waits on durable things only: forget it until its inbox wakes it. */
  private idle(live: Live): void {
    if (live.inflight === 0 && live.completions.length === 0 && live.inbox.length === 0 && !live.again) this.live.delete(live.executionId);
  }

  private writeFor(live: Live, events: ExecutionWrite['events'], started: readonly StartedEffect[], inboxIds: string[]): ExecutionWrite {
    const { executionId, tenant, driver } = live;
    const outbox: OutboxMessage[] = [];
    const timers: Timer[] = [];
    const pendingCalls: Array<ExecutionWrite['pendingCalls'][number]> = [];
    for (const effect of started) {
      const spec = effect.spec;
      if (spec.kind === 'timer') {
        timers.push({ id: `wait:${executionId}:${effect.node}:${effect.runIndex}`, kind: TIMER_WAIT, dueAt: new Date(spec.dueAt), payload: { executionId, node: effect.node, runIndex: effect.runIndex } });
      } else if (spec.kind === 'task') {
        spec.tasks.forEach((task, itemIndex) => {
          outbox.push({ topic: CreateTask.topic, key: task.taskId, envelope: envelope(CreateTask.type, tenant, executionId, task, this.options.source) });
          pendingCalls.push({ callId: task.taskId, executionId, node: effect.node, runIndex: effect.runIndex, itemIndex, itemCount: spec.tasks.length, output: spec.output });
        });
      } else if (spec.kind === 'subworkflow') {
        // The sub-workflow runs as its own execution; its end settles this call (see call-outcomes.ts).
        spec.runs.forEach((run, itemIndex) => {
          const data = { executionId: run.executionId, workflowId: spec.workflowId, input: run.input };
          outbox.push({ topic: StartExecution.topic, key: run.executionId, envelope: envelope(StartExecution.type, tenant, executionId, data, this.options.source) });
          pendingCalls.push({ callId: run.executionId, executionId, node: effect.node, runIndex: effect.runIndex, itemIndex, itemCount: spec.runs.length, output: 'subworkflow' });
        });
      } else if (spec.kind === 'mcp') {
        spec.calls.forEach((call, itemIndex) => {
          outbox.push({ topic: CallMcpTool.topic, key: call.callId, envelope: envelope(CallMcpTool.type, tenant, executionId, call, this.options.source) });
          pendingCalls.push({ callId: call.callId, executionId, node: effect.node, runIndex: effect.runIndex, itemIndex, itemCount: spec.calls.length, output: 'mcp' });
        });
      }
    }
    const terminal = events.some((e) => isTerminal(e.type));
    const cancelTimers: string[] = [];
    if (terminal) {
      cancelTimers.push(`timeout:${executionId}`);
      const onError = errorWorkflowStart(driver, tenant, this.options.source);
      if (onError) outbox.push(onError);
    }
    return { executionId, tenant, expectedVersion: live.version, events, outbox, timers, cancelTimers, pendingCalls, inboxIds, terminal };
  }

  private perform(live: Live, effect: StartedEffect): void {
    const spec = effect.spec;
    let work: Promise<EffectResult> | undefined;
    if (spec.kind === 'http') work = performHttp(spec.requests, effectId('wfh', live.executionId, effect.node, effect.runIndex, effect.attempt), effect.retry);
    if (!work) return;
    live.inflight++;
    void work.catch((error: unknown) => ({ error: (error as Error).message, retriable: true }) as EffectResult).then((result) => {
      live.inflight--;
      live.completions.push(() => live.driver.completeEffect(effect.node, effect.runIndex, result));
      if (this.live.get(live.executionId) !== live) this.live.set(live.executionId, live);
      this.pump(live);
    });
  }
}
