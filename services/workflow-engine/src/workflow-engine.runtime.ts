import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { PoolClient } from 'pg';
import {
  ActivateWorkflow, CancelExecution, DeactivateWorkflow, hiveCatalogue, ImportWorkflow, RetryExecution, StartExecution, Topics,
  type ActivateWorkflowData, type CancelExecutionData, type DeactivateWorkflowData, type Envelope, type ImportWorkflowData, type RetryExecutionData,
  type StartExecutionData, type McpToolCallCompletedData, type McpToolCallFailedData, type TaskCompletedData,
} from '@hive/contracts';
import { ConcurrencyError, DomainError, DurableTimers, handleCommand, type Timer } from '@hive/event-store';
import { CheckpointedConsumer, CommandProcessor, HiveEventing, type CommandAcceptance, type CommandHandlerFn, type ConsumedMessage } from '@hive/messaging';
import { allowedEnvironment, WorkflowEngineConfig, workflowVars } from './config/workflow-engine.config';
import { ExecutionDriver, type DriverDeps } from './execution/execution-driver';
import { ExecutionRepository, executionStream, workflowStream } from './execution/execution-repository';
import { ExecutionRunner, TIMER_TIMEOUT, TIMER_WAIT } from './execution/execution-runner';
import { emptyExecution, startNodeOf } from './execution/execution-state';
import { ExecutionWriter } from './execution/execution-writer';
import { taskOutputItem, type EffectResult } from './nodes/effects';
import { isObject } from './nodes/node-context';
import type { JsonObject } from './n8n/n8n-workflow.types';
import { EngineTables } from './persistence/engine-tables';
import { QuickJsSandbox } from './sandbox/quickjs-sandbox';
import { workflowDecider } from './workflow/workflow.decider';

type CallOutcome = { ok: true; result: string; resultJson?: JsonObject; json?: JsonObject } | { ok: false; error: string };

/**
 * Wires the workflow engine: the command consumer (workflows, and the start of
 * executions, whose pure prefix runs inside the command's transaction), the
 * runner (effects, Code nodes, resumption), durable timers (waits, execution
 * timeouts) and the consumer of task and MCP outcomes.
 */
@Injectable()
export class WorkflowEngineRuntime implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(WorkflowEngineRuntime.name);
  readonly tables: EngineTables;
  readonly repository: ExecutionRepository;
  readonly timers: DurableTimers;
  private sandbox: QuickJsSandbox | undefined;
  private deps: DriverDeps | undefined;
  private runner: ExecutionRunner | undefined;
  private commands: CheckpointedConsumer | undefined;
  private outcomes: CheckpointedConsumer | undefined;

  constructor(private readonly eventing: HiveEventing, private readonly config: WorkflowEngineConfig) {
    this.tables = new EngineTables(eventing.schema);
    this.repository = new ExecutionRepository(eventing.store, this.tables);
    this.timers = new DurableTimers({ pool: eventing.pool, connectionString: config.DATABASE_URL, schema: eventing.schema, onFire: (due, tx) => this.fire(due, tx) });
  }

  async onApplicationBootstrap(): Promise<void> {
    const { pool, schema, kafka, checkpoints, store } = this.eventing;
    await this.tables.migrate(pool);
    await DurableTimers.migrate(pool, schema);
    const config = this.config;
    this.sandbox = await QuickJsSandbox.create({
      expression: { timeoutMs: config.WORKFLOW_EXPRESSION_TIMEOUT_MS },
      code: { timeoutMs: config.WORKFLOW_CODE_TIMEOUT_MS, memoryBytes: config.WORKFLOW_CODE_MEMORY_MB << 20 },
    });
    this.deps = {
      sandbox: this.sandbox,
      effects: { allowedHosts: config.WORKFLOW_HTTP_ALLOWED_HOSTS.split(',').filter(Boolean), defaultHttpTimeoutMs: config.WORKFLOW_HTTP_TIMEOUT_MS },
      vars: workflowVars(config), env: allowedEnvironment(config), now: () => Date.now(),
    };
    const writer = new ExecutionWriter(pool, store, this.tables, this.timers);
    this.runner = new ExecutionRunner({
      pool, connectionString: config.DATABASE_URL, schema, source: 'workflow-engine', tables: this.tables, repository: this.repository, writer, timers: this.timers, deps: this.deps,
    });
    this.commands = new CheckpointedConsumer({
      name: 'workflow-engine-commands', groupId: `${this.eventing.topicPrefix}workflow-engine.commands`,
      topics: [this.eventing.topic(Topics.workflowEngineCommands.name)], kafka, pool, checkpoints, catalogue: hiveCatalogue,
      handler: new CommandProcessor(store, 'workflow-engine', this.commandHandlers()),
      partitionsConsumedConcurrently: 6,
    });
    this.outcomes = new CheckpointedConsumer({
      name: 'workflow-engine-outcomes', groupId: `${this.eventing.topicPrefix}workflow-engine.outcomes`,
      topics: [this.eventing.topic(Topics.taskEvents.name), this.eventing.topic(Topics.mcpEvents.name)], kafka, pool, checkpoints, catalogue: hiveCatalogue,
      handler: { handle: (messages, tx) => this.onOutcomes(messages, tx) },
    });
    await this.commands.start();
    await this.outcomes.start();
    this.timers.start();
    this.runner.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.runner?.stop();
    await this.timers.stop();
    await this.commands?.stop();
    await this.outcomes?.stop();
    this.sandbox?.dispose();
  }

  private commandHandlers(): Record<string, CommandHandlerFn> {
    const { store } = this.eventing;
    const meta = (envelope: Envelope) => ({ tenant: envelope.tenant, correlationId: envelope.correlationId, causationId: envelope.id });
    const onWorkflow = async (envelope: Envelope, tx: PoolClient, command: Parameters<typeof workflowDecider.decide>[0]): Promise<CommandAcceptance> => {
      const workflowId = command.data.workflowId;
      const existing = await this.tables.workflowOf(tx, workflowId);
      if (existing && existing.tenant !== envelope.tenant) throw new DomainError('not_found', `workflow "${workflowId}" does not exist`);
      const result = await handleCommand(store, tx, workflowStream(workflowId), workflowDecider, command, meta(envelope));
      if (command.type === 'ImportWorkflow' && result.envelopes.length > 0) {
        await this.tables.saveVersion(tx, envelope.tenant, workflowId, result.state.latestVersion, command.data.name, command.data.n8nData, result.state.activeVersion);
      } else if (result.envelopes.length > 0) {
        await this.tables.setActive(tx, workflowId, result.state.activeVersion);
      }
      return { aggregateId: workflowId, streamVersion: result.nextVersion };
    };
    return {
      [ImportWorkflow.type]: (e, tx) => onWorkflow(e, tx, { type: 'ImportWorkflow', data: e.data as ImportWorkflowData }),
      [ActivateWorkflow.type]: (e, tx) => onWorkflow(e, tx, { type: 'ActivateWorkflow', data: e.data as ActivateWorkflowData }),
      [DeactivateWorkflow.type]: (e, tx) => onWorkflow(e, tx, { type: 'DeactivateWorkflow', data: e.data as DeactivateWorkflowData }),
      [StartExecution.type]: (e, tx) => this.startExecution(e, tx),
      [CancelExecution.type]: async (e, tx) => {
        const data = e.data as CancelExecutionData;
        const active = await this.tables.isActive(tx, data.executionId);
        if (!active || active.tenant !== e.tenant) {
          const version = await store.currentVersion(tx, executionStream(data.executionId));
          throw version === 0 ? new DomainError('not_found', `execution "${data.executionId}" does not exist`) : new DomainError('conflict', `execution "${data.executionId}" is not running`);
        }
        await this.tables.toInbox(tx, [{ executionId: data.executionId, kind: 'cancel', payload: { reason: data.reason } }]);
        return { aggregateId: data.executionId, streamVersion: await store.currentVersion(tx, executionStream(data.executionId)) };
      },
      [RetryExecution.type]: (e, tx) => this.retryExecution(e, tx),
    };
  }

  private async startExecution(envelope: Envelope, tx: PoolClient): Promise<CommandAcceptance> {
    const data = envelope.data as StartExecutionData;
    const workflow = await this.tables.workflowOf(tx, data.workflowId);
    if (!workflow || workflow.tenant !== envelope.tenant) throw new DomainError('not_found', `workflow "${data.workflowId}" does not exist`);
    const version = data.workflowVersion ?? workflow.active ?? workflow.latest;
    const loaded = await this.repository.workflow(tx, data.workflowId, version);
    if (!loaded) throw new DomainError('not_found', `workflow "${data.workflowId}" has no version ${version}`);
    if (!startNodeOf(loaded.compiled, data.triggerNode)) {
      throw new DomainError('invalid', data.triggerNode ? `workflow "${data.workflowId}" has no node "${data.triggerNode}"` : `workflow "${data.workflowId}" has no trigger node to start from`);
    }
    const driver = new ExecutionDriver(loaded.compiled, { name: loaded.name, active: workflow.active === version }, emptyExecution(), this.driverDeps());
    driver.record({
      type: 'workflow.execution_started',
      data: { executionId: data.executionId, workflowId: data.workflowId, workflowVersion: version, input: data.input, attempt: 1, ...(data.triggerNode ? { triggerNode: data.triggerNode } : {}) },
    });
    // The pure prefix (triggers, Set, IF, Switch, Merge...) runs here, in the command's transaction: one append for all of it.
    driver.advance('inline');
    const events = driver.takePending();
    let result;
    try {
      result = await this.eventing.store.appendToStream(tx, executionStream(data.executionId), events, {
        expectedVersion: 0, tenant: envelope.tenant, correlationId: envelope.correlationId, causationId: envelope.id, key: data.executionId,
      });
    } catch (error) {
      if (error instanceof ConcurrencyError) throw new DomainError('already_exists', `execution "${data.executionId}" already exists`);
      throw error;
    }
    if (driver.state.status === 'running') await this.activate(tx, envelope.tenant, data.executionId, data.workflowId, version, driver.deadline());
    return { aggregateId: data.executionId, streamVersion: result.nextVersion };
  }

  private async activate(tx: PoolClient, tenant: string, executionId: string, workflowId: string, version: number, deadline: number | undefined): Promise<void> {
    await this.tables.addActive(tx, tenant, executionId, workflowId, version);
    if (deadline !== undefined) await this.timers.schedule(tx, [{ id: `timeout:${executionId}`, kind: TIMER_TIMEOUT, dueAt: new Date(deadline), payload: { executionId } }]);
  }

  private async retryExecution(envelope: Envelope, tx: PoolClient): Promise<CommandAcceptance> {
    const data = envelope.data as RetryExecutionData;
    const loaded = await this.repository.load(tx, data.executionId);
    if (!loaded || loaded.tenant !== envelope.tenant) throw new DomainError('not_found', `execution "${data.executionId}" does not exist`);
    const { state, workflow } = loaded;
    if (state.status !== 'failed' && state.status !== 'cancelled') throw new DomainError('conflict', `execution "${data.executionId}" is ${state.status}; only a failed or cancelled execution can be retried`);
    const fromNode = data.fromNode ?? state.failedNode;
    if (!fromNode) throw new DomainError('invalid', `execution "${data.executionId}" did not fail on a node: name the node to retry from`);
    if (!workflow.compiled.nodes.has(fromNode)) throw new DomainError('invalid', `workflow has no node "${fromNode}"`);
    if (!state.runs.get(fromNode)?.length) throw new DomainError('invalid', `node "${fromNode}" never ran in execution "${data.executionId}", so it has no stored input to retry from`);
    const started = {
      type: 'workflow.execution_started' as const,
      data: { executionId: data.executionId, workflowId: state.workflowId, workflowVersion: state.workflowVersion, input: state.input, attempt: state.attempt + 1, fromNode, ...(state.triggerNode ? { triggerNode: state.triggerNode } : {}) },
    };
    const result = await this.eventing.store.appendToStream(tx, executionStream(data.executionId), [started], {
      expectedVersion: loaded.version, tenant: envelope.tenant, correlationId: envelope.correlationId, causationId: envelope.id, key: data.executionId,
    });
    await this.activate(tx, envelope.tenant, data.executionId, state.workflowId, state.workflowVersion, undefined);
    return { aggregateId: data.executionId, streamVersion: result.nextVersion };
  }

  private driverDeps(): DriverDeps {
    if (!this.deps) throw new Error('workflow engine is not started');
    return this.deps;
  }

  private async fire(due: readonly Timer[], tx: PoolClient): Promise<void> {
    const rows = due.flatMap((timer) => {
      const p = timer.payload as { executionId: string; node?: string; runIndex?: number };
      if (timer.kind === TIMER_WAIT) return [{ executionId: p.executionId, kind: 'effect', payload: { node: p.node, runIndex: p.runIndex, result: { items: [] } } }];
      if (timer.kind === TIMER_TIMEOUT) return [{ executionId: p.executionId, kind: 'timeout', payload: {} }];
      this.logger.warn(`unknown timer kind "${timer.kind}" (${timer.id}) dropped`);
      return [];
    });
    await this.tables.toInbox(tx, rows);
  }

  /** Task and MCP outcomes: once every call of a node run has one, the node's result goes to the execution's inbox. */
  private async onOutcomes(messages: readonly ConsumedMessage[], tx: PoolClient): Promise<void> {
    for (const { envelope } of messages) {
      const d = envelope.data as Record<string, unknown>;
      let id: string | undefined;
      let outcome: CallOutcome | undefined;
      switch (envelope.type) {
        case 'task.completed': {
          const c = envelope.data as TaskCompletedData;
          id = c.taskId;
          outcome = { ok: true, result: c.result, ...(c.resultJson ? { resultJson: c.resultJson as JsonObject } : {}) };
          break;
        }
        case 'task.failed': case 'task.timed_out': case 'task.cancelled':
          id = String(d['taskId']);
          outcome = { ok: false, error: `task ${envelope.type.slice(5).replace('_', ' ')}: ${String(d['reason'] ?? `after ${String(d['timeoutMs'])} ms`)}` };
          break;
        case 'mcp.tool_call_completed': {
          const c = envelope.data as McpToolCallCompletedData;
          id = c.callId;
          outcome = c.isError ? { ok: false, error: `tool ${c.tool} returned an error: ${JSON.stringify(c.result).slice(0, 1000)}` } : { ok: true, result: '', json: c.result as JsonObject };
          break;
        }
        case 'mcp.tool_call_failed': {
          const c = envelope.data as McpToolCallFailedData;
          id = c.callId;
          outcome = { ok: false, error: `tool ${c.tool} failed: ${c.reason}` };
          break;
        }
        default:
          continue;
      }
      if (!id || !(id.startsWith('wft-') || id.startsWith('wfm-'))) continue;
      const settled = await this.tables.settleCall(tx, id, outcome);
      if (!settled) continue;
      const outcomes = settled.results as CallOutcome[];
      const failed = outcomes.find((o): o is Extract<CallOutcome, { ok: false }> => !o.ok);
      const result: EffectResult = failed
        ? { error: failed.error, retriable: false }
        : {
          items: outcomes.map((o, index) => {
            const ok = o as Extract<CallOutcome, { ok: true }>;
            return settled.output === 'mcp' ? { json: isObject(ok.json) ? ok.json : {}, pairedItem: { item: index } } : taskOutputItem(settled.output === 'llmChain' ? 'llmChain' : 'task', ok.result, ok.resultJson, index);
          }),
        };
      await this.tables.toInbox(tx, [{ executionId: settled.executionId, kind: 'effect', payload: { node: settled.node, runIndex: settled.runIndex, result } }]);
    }
  }
}
