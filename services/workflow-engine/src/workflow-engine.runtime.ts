import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { PoolClient } from 'pg';
import {
  ActivateWorkflow, CancelExecution, DeactivateWorkflow, hiveCatalogue, ImportWorkflow, RetryExecution, StartExecution, Topics,
  type ActivateWorkflowData, type CancelExecutionData, type DeactivateWorkflowData, type Envelope, type ImportWorkflowData, type RetryExecutionData,
  type StartExecutionData, type McpToolCallCompletedData, type McpToolCallFailedData, type TaskCompletedData,
} from '@hive/contracts';
import { DomainError, DurableTimers, handleCommand, PostgresEventStore, type OutboxMessage, type StreamAppend, type Timer } from '@hive/event-store';
import {
  CheckpointedConsumer, CommandProcessor, FatalMessageError, HiveEventing, type BatchCommandHandlerFn, type CommandAcceptance, type CommandHandlerFn, type ConsumedMessage,
} from '@hive/messaging';
import { allowedEnvironment, WorkflowEngineConfig, workflowVars } from './config/workflow-engine.config';
import { ExecutionDriver, type DriverDeps } from './execution/execution-driver';
import { ExecutionRepository, executionStream, workflowStream } from './execution/execution-repository';
import { errorWorkflowStart, ExecutionRunner, TIMER_TIMEOUT, TIMER_WAIT } from './execution/execution-runner';
import { isSubworkflowExecution, settleCall, subworkflowOutcome, type CallOutcome } from './execution/call-outcomes';
import { emptyExecution, startNodeOf } from './execution/execution-state';
import { ExecutionWriter } from './execution/execution-writer';
import type { JsonObject } from './n8n/n8n-workflow.types';
import { EngineTables } from './persistence/engine-tables';
import { QuickJsSandbox } from './sandbox/quickjs-sandbox';
import { workflowDecider } from './workflow/workflow.decider';


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
  /** The store execution events are appended through (validation per WORKFLOW_EVENT_VALIDATION); workflow events use the eventing's. */
  private readonly executions: PostgresEventStore;
  private sandbox: QuickJsSandbox | undefined;
  private deps: DriverDeps | undefined;
  private runner: ExecutionRunner | undefined;
  private commands: CheckpointedConsumer | undefined;
  private outcomes: CheckpointedConsumer | undefined;

  constructor(private readonly eventing: HiveEventing, private readonly config: WorkflowEngineConfig) {
    this.tables = new EngineTables(eventing.schema);
    this.repository = new ExecutionRepository(eventing.store, this.tables);
    this.executions = new PostgresEventStore({
      schema: eventing.schema, source: 'workflow-engine', catalogue: hiveCatalogue, topicPrefix: eventing.topicPrefix, validateOnAppend: config.WORKFLOW_EVENT_VALIDATION === 'on',
    });
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
      vars: workflowVars(config), env: allowedEnvironment(config), now: () => Date.now(), maxOutputBytes: config.WORKFLOW_MAX_OUTPUT_KB * 1024,
    };
    const writer = new ExecutionWriter(pool, this.executions, this.tables, this.timers);
    this.runner = new ExecutionRunner({
      pool, connectionString: config.DATABASE_URL, schema, source: 'workflow-engine', tables: this.tables, repository: this.repository, writer, timers: this.timers, deps: this.deps,
    });
    this.commands = new CheckpointedConsumer({
      name: 'workflow-engine-commands', groupId: `${this.eventing.topicPrefix}workflow-engine.commands`,
      topics: [this.eventing.topic(Topics.workflowEngineCommands.name)], kafka, pool, checkpoints, catalogue: hiveCatalogue,
      handler: new CommandProcessor(store, 'workflow-engine', this.commandHandlers(), this.batchHandler(this.commandHandlers())),
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

  /**
   * Runs of consecutive StartExecution commands are decided together (one read of their workflows,
   * one append for all their pure prefixes, one insert of the ones still running); other commands
   * one by one, in order.
   */
  private batchHandler(handlers: Record<string, CommandHandlerFn>): BatchCommandHandlerFn {
    return async (commands, tx) => {
      const outcomes: Array<CommandAcceptance | DomainError> = [];
      for (let i = 0; i < commands.length;) {
        if (commands[i].type === StartExecution.type) {
          let j = i;
          while (j < commands.length && commands[j].type === StartExecution.type) j++;
          outcomes.push(...(await this.startExecutions(commands.slice(i, j), tx)));
          i = j;
          continue;
        }
        const handler = handlers[commands[i].type];
        if (!handler) throw new FatalMessageError(`workflow-engine has no handler for command "${commands[i].type}"`);
        try {
          outcomes.push(await handler(commands[i], tx));
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          outcomes.push(error);
        }
        i++;
      }
      return outcomes;
    };
  }

  private async startExecution(envelope: Envelope, tx: PoolClient): Promise<CommandAcceptance> {
    const [outcome] = await this.startExecutions([envelope], tx);
    if (outcome instanceof DomainError) throw outcome;
    return outcome;
  }

  /** Starts executions: each one's pure prefix (triggers, Set, IF, Switch, Merge...) runs here, in the command transaction. */
  private async startExecutions(envelopes: readonly Envelope[], tx: PoolClient): Promise<Array<CommandAcceptance | DomainError>> {
    const workflows = await this.tables.workflowsOf(tx, [...new Set(envelopes.map((e) => (e.data as StartExecutionData).workflowId))]);
    const existing = await this.tables.existingStreams(tx, this.eventing.schema, envelopes.map((e) => executionStream((e.data as StartExecutionData).executionId)));
    const outcomes: Array<CommandAcceptance | DomainError> = [];
    const appends: StreamAppend[] = [];
    const running: Array<{ tenant: string; executionId: string; workflowId: string; version: number; deadline: number | undefined }> = [];
    const seen = new Set<string>();
    const extra: OutboxMessage[] = [];
    const settle: Array<{ callId: string; outcome: CallOutcome }> = [];
    for (const envelope of envelopes) {
      const data = envelope.data as StartExecutionData;
      try {
        if (seen.has(data.executionId) || existing.has(executionStream(data.executionId))) throw new DomainError('already_exists', `execution "${data.executionId}" already exists`);
        const workflow = workflows.get(data.workflowId);
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
        driver.advance('inline');
        const meta = { tenant: envelope.tenant, correlationId: envelope.correlationId, causationId: envelope.id };
        const events = driver.takePending().map((event) => ({ ...event, meta }));
        seen.add(data.executionId);
        appends.push({ streamId: executionStream(data.executionId), expectedVersion: 0, key: data.executionId, events });
        if (driver.state.status === 'running') running.push({ tenant: envelope.tenant, executionId: data.executionId, workflowId: data.workflowId, version, deadline: driver.deadline() });
        else {
          // Ended in its pure prefix: a parent waiting on it hears now, and a failure starts the errorWorkflow.
          const ended = subworkflowOutcome(events);
          if (ended && isSubworkflowExecution(data.executionId)) settle.push({ callId: data.executionId, outcome: ended });
          const onError = errorWorkflowStart(driver, envelope.tenant, 'workflow-engine');
          if (onError) extra.push(onError);
        }
        outcomes.push({ aggregateId: data.executionId, streamVersion: events.length });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        outcomes.push(error);
        // A sub-workflow that cannot start fails the node waiting for it (a redelivered start is not a failure).
        if (isSubworkflowExecution(data.executionId) && error.code !== 'already_exists') settle.push({ callId: data.executionId, outcome: { ok: false, error: `sub-workflow ${data.workflowId} could not start: ${error.message}` } });
      }
    }
    // Existing ids were refused above; a ConcurrencyError here fails the batch and the consumer applies it one by one.
    await this.executions.appendMany(tx, appends, extra);
    for (const { callId, outcome } of settle) await settleCall(this.tables, tx, callId, outcome);
    await this.tables.addActiveMany(tx, running);
    const timeouts = running.flatMap((r) => (r.deadline === undefined ? [] : [{ id: `timeout:${r.executionId}`, kind: TIMER_TIMEOUT, dueAt: new Date(r.deadline), payload: { executionId: r.executionId } }]));
    if (timeouts.length > 0) await this.timers.schedule(tx, timeouts);
    return outcomes;
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
      await settleCall(this.tables, tx, id, outcome);
    }
  }
}
