import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import {
  ReportTaskCompleted, ReportTaskFailed, ReportTaskProgress, ReportTaskStarted, SHARED_AGENT_TENANT, taskOutputCap, Topics,
  type Envelope, type MessageDefinition,
} from '@hive/contracts';
import type { HiveEventing } from '@hive/messaging';
import { activeTraceHeaders, withMessageTrace, withSpan } from '@hive/observability';
import type { AgentRegistry, ManagedAgent } from '../agent/agent-registry';
import { createProvider } from '../providers/create-provider';
import { ProviderError, ProviderErrorCode } from '../providers/provider-error';
import { RunReports } from './run-reports';
import { runKey, type ClaimedRun, type TaskRunsRepository } from './task-runs.repository';

const PROGRESS_EVERY_MS = 1_000;
/** Largest result text a run reports (its events must fit a Kafka message, see the event store's limit). */
const MAX_RESULT_BYTES = 512 * 1024;

/**
 * Runs claimed task attempts against their agent's endpoint and reports
 * each step to the coordinator (ReportTaskStarted, throttled
 * ReportTaskProgress, ReportTaskCompleted or ReportTaskFailed) through the
 * outbox, group-committed (RunReports). A cancelled, timed-out or requeued attempt is aborted: its
 * provider call is cancelled and it reports nothing more.
 */
export class TaskRunner {
  private readonly logger = new Logger(TaskRunner.name);
  private readonly inFlight = new Map<string, AbortController>();
  private draining = false;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly reports: RunReports;

  constructor(
    private readonly eventing: HiveEventing,
    private readonly runs: TaskRunsRepository,
    private readonly registry: AgentRegistry,
    private readonly maxInFlight = 512,
  ) {
    this.reports = new RunReports(eventing, runs);
  }

  get running(): number {
    return this.inFlight.size;
  }

  start(pollMs = 1_000): void {
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), pollMs);
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    for (const controller of this.inFlight.values()) controller.abort(new Error('agent manager shutting down'));
  }

  /** Claims and starts pending runs (after a consumer batch added some, and on a timer). */
  kick(): void {
    if (this.stopped) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = true;
    void this.drain().finally(() => {
      this.draining = false;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  /** Aborts the given attempts if they run here. */
  abort(tenant: string, taskId: string, attempts: readonly number[], reason: string): void {
    for (const attempt of attempts) this.inFlight.get(runKey(tenant, taskId, attempt))?.abort(new Error(reason));
  }

  private async drain(): Promise<void> {
    try {
      for (;;) {
        const room = this.maxInFlight - this.inFlight.size;
        if (room <= 0) return;
        const claimed = await this.runs.claim(this.eventing.pool, room);
        const agents = await this.registry.forTasks(this.eventing.pool, claimed.map((run) => ({ tenant: run.tenant, agentId: run.agentId })), SHARED_AGENT_TENANT);
        // Each run continues the trace of its task.assigned event: the provider call and the reports join it.
        for (const run of claimed) void withMessageTrace(run.traceHeaders, 'run task', (span) => {
          span.setAttributes({ 'hive.task_id': run.taskId, 'hive.agent_id': run.agentId, 'hive.attempt': run.attempt });
          return this.execute(run, agents.get(`${run.tenant}/${run.agentId}`));
        });
        if (claimed.length < room) return;
      }
    } catch (error) {
      this.logger.error(`claiming runs failed: ${(error as Error).message}`);
    }
  }

  private async execute(run: ClaimedRun, agent: ManagedAgent | undefined): Promise<void> {
    const key = runKey(run.tenant, run.taskId, run.attempt);
    const controller = new AbortController();
    this.inFlight.set(key, controller);
    const base = { taskId: run.taskId, agentId: run.agentId, attempt: run.attempt };
    try {
      if (!agent) {
        await this.finish(run, ReportTaskFailed, { ...base, reason: `agent "${run.agentId}" is not registered`, retriable: true });
        return;
      }
      const model = run.model ?? agent.model;
      await this.report(run, ReportTaskStarted, { ...base, model });
      const started = Date.now();
      let lastProgress = started;
      const provider = createProvider({ kind: agent.provider, baseUrl: agent.endpoint });
      const maxTokens = taskOutputCap(run.payload);
      const signal = AbortSignal.any([controller.signal, AbortSignal.timeout(run.timeoutMs)]);
      const onProgress = ({ tokensSoFar }: { tokensSoFar: number }) => {
        const now = Date.now();
        if (now - lastProgress < PROGRESS_EVERY_MS) return;
        lastProgress = now;
        void this.report(run, ReportTaskProgress, { ...base, tokensSoFar, elapsedMs: now - started }).catch(() => undefined);
      };
      const attributes = { 'hive.provider': agent.provider, 'hive.model': model, 'server.address': new URL(agent.endpoint).host };
      const result = await withSpan('provider generate', attributes, async (span) => {
        const generated = await provider.generate({ model, prompt: run.prompt, system: run.system, maxTokens }, { signal, onProgress });
        span.setAttributes({ 'hive.prompt_tokens': generated.promptTokens, 'hive.completion_tokens': generated.completionTokens });
        return generated;
      });
      const resultBytes = Buffer.byteLength(result.text);
      if (resultBytes > MAX_RESULT_BYTES) {
        // Every event must fit in a Kafka message: a result this large cannot be reported as it is.
        await this.finish(run, ReportTaskFailed, {
          ...base, reason: `the agent's answer is ${Math.ceil(resultBytes / 1024)} KiB; a task result may be at most ${MAX_RESULT_BYTES / 1024} KiB (cap the output with payload.maxTokens)`,
          retriable: false,
        });
        return;
      }
      await this.finish(run, ReportTaskCompleted, {
        ...base, model: result.model, result: result.text, promptTokens: result.promptTokens, completionTokens: result.completionTokens,
        tokensPerSecond: result.tokensPerSecond, responseTimeMs: result.responseTimeMs,
      });
    } catch (error) {
      if (controller.signal.aborted) return; // cancelled, timed out or requeued by the coordinator: it already knows.
      const retriable = error instanceof ProviderError ? error.retriable : true;
      const reason = error instanceof ProviderError && error.code === ProviderErrorCode.Timeout
        ? `no answer within the task's timeout of ${run.timeoutMs} ms`
        : error instanceof Error ? error.message : String(error);
      await this.finish(run, ReportTaskFailed, { ...base, reason: reason.slice(0, 2000), retriable }).catch((failure: unknown) =>
        this.logger.error(`could not report the failure of ${key}: ${(failure as Error).message}`));
    } finally {
      this.inFlight.delete(key);
      this.kick();
    }
  }

  /** Ends the run and sends its final report together; nothing is sent if the run was ended meanwhile. */
  private async finish(run: ClaimedRun, definition: MessageDefinition, data: object): Promise<void> {
    await this.reports.send(run, this.message(run, definition, data), true);
  }

  private async report(run: ClaimedRun, definition: MessageDefinition, data: object): Promise<void> {
    await this.reports.send(run, this.message(run, definition, data), false);
  }

  private message(run: ClaimedRun, definition: MessageDefinition, data: object) {
    const envelope: Envelope = {
      id: randomUUID(), type: definition.type, version: definition.version, source: 'agent-manager', tenant: run.tenant,
      occurredAt: new Date().toISOString(), correlationId: run.correlationId, causationId: run.causationId, data,
    };
    // The reports are written later, in a batch with others: their trace is taken now, in the run's span.
    return { topic: Topics.coordinatorCommands.name, key: run.taskId, envelope, headers: activeTraceHeaders() };
  }
}
