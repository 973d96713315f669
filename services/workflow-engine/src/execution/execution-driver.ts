import type { NodeOutputData, WebhookResponseData, WorkflowNodeCompletedData } from '@hive/contracts';
import type { CompiledWorkflow } from '../n8n/compiled-workflow';
import type { JsonObject, N8nItem, N8nNode } from '../n8n/n8n-workflow.types';
import { NodeTypes, kindOf } from '../n8n/node-types';
import {
  codeNode, ifNode, mergeNode, noOpNode, respondToWebhookNode, setNode, splitInBatchesNode, stopAndErrorNode, switchNode, switchOutputs,
  triggerNode, type NodeOutcome,
} from '../nodes/core-nodes';
import { prepareEffect, type EffectOptions, type EffectResult, type EffectSpec } from '../nodes/effects';
import { NodeError, type NodeContext } from '../nodes/node-context';
import type { EvaluationData } from '../sandbox/evaluation-data';
import { ParameterResolver, referencedNodes } from '../sandbox/parameter-resolver';
import type { QuickJsSandbox } from '../sandbox/quickjs-sandbox';
import { SandboxError } from '../sandbox/sandbox.error';
import type { ExecutionEvent } from './execution.events';
import { connectedInputs, evolveExecution, latestItems, type ExecutionState, type Items, type NodeRun } from './execution-state';
import { pairedItemOf } from './paired-items';

export interface DriverDeps {
  readonly sandbox: QuickJsSandbox;
  readonly effects: EffectOptions;
  readonly vars: Readonly<Record<string, string>>;
  readonly env: Readonly<Record<string, string>>;
  readonly now: () => number;
  /** Largest node output (JSON bytes) one event may carry; default {@link DEFAULT_MAX_OUTPUT_BYTES}. */
  readonly maxOutputBytes?: number;
}

/**
 * A node_completed event carries the node's output and is published as one Kafka message: the relay
 * sends at most 768 KiB per transaction and the broker refuses a message over 1 MiB, which would stop
 * the outbox. A node whose output is larger fails instead.
 */
export const DEFAULT_MAX_OUTPUT_BYTES = 512 * 1024;

export interface WorkflowInfo {
  readonly name: string;
  readonly active: boolean;
}

/** An effect node whose node_started is (about to be) recorded: the runner performs it once that is committed. */
export interface StartedEffect {
  readonly node: string;
  readonly runIndex: number;
  readonly attempt: number;
  readonly spec: EffectSpec;
  readonly retry: { readonly tries: number; readonly waitMs: number };
}

/** Which nodes a caller lets the driver run in place: 'inline' inside a command transaction, 'all' in the runner. */
export type DriveMode = 'inline' | 'all';

/**
 * Runs an execution forward, node by node, in n8n's v1 order: it picks the
 * next runnable node from the folded state, records node_started, runs pure
 * nodes at once and records node_completed (or node_failed), and hands
 * effect nodes (HTTP, waits, tasks, tool calls, sub-workflows) back to the
 * caller, which performs them after node_started is committed. Every event
 * goes through the same fold a restart uses, so what runs next after a crash
 * is what would have run next without it.
 */
export class ExecutionDriver {
  private pending: ExecutionEvent[] = [];
  private readonly evolve: (state: ExecutionState, event: ExecutionEvent) => ExecutionState;
  private readonly total: number;

  constructor(
    readonly workflow: CompiledWorkflow,
    readonly info: WorkflowInfo,
    private current: ExecutionState,
    private readonly deps: DriverDeps,
  ) {
    this.evolve = evolveExecution(workflow);
    this.total = [...workflow.nodes.values()].filter((n) => kindOf(n) !== 'subnode').length;
  }

  get state(): ExecutionState {
    return this.current;
  }

  /** Records an event: folds it into the state and queues it for the next append. */
  record(event: ExecutionEvent): void {
    const stamped = { ...event, occurredAt: event.occurredAt ?? new Date(this.deps.now()).toISOString() } as ExecutionEvent;
    this.current = this.evolve(this.current, stamped);
    this.pending.push(stamped);
  }

  /** Events recorded since the last call, to append. */
  takePending(): ExecutionEvent[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }

  get hasPending(): boolean {
    return this.pending.length > 0;
  }

  /** Runs everything that can run now without waiting; returns the effects it started. */
  advance(mode: DriveMode): StartedEffect[] {
    const started: StartedEffect[] = [];
    while (this.current.status === 'running') {
      if (this.timedOut()) {
        this.failExecution(`execution timed out after ${String(this.workflow.settings.executionTimeout)} s (settings.executionTimeout)`);
        break;
      }
      const next = this.runnable().find((name) => mode === 'all' || ['trigger', 'inline'].includes(this.effectiveKind(name)));
      if (next === undefined) break;
      const effect = this.startNode(next);
      if (effect) started.push(effect);
    }
    if (this.current.status === 'running' && this.current.running.size === 0 && this.runnable().length === 0) this.completeExecution();
    return started;
  }

  /** Whether something is left that only the runner may run (a Code node), i.e. inline mode stopped early. */
  needsRunner(): boolean {
    return this.current.status === 'running';
  }

  /** Applies an effect's outcome (HTTP response, timer, task, tool call, sub-workflow). */
  completeEffect(nodeName: string, runIndex: number, result: EffectResult): void {
    const run = this.runOf(nodeName, runIndex);
    if (!run || run.status !== 'running' || this.current.status !== 'running') return;
    const node = this.nodeOf(nodeName);
    if ('error' in result) {
      this.nodeFailed(node, run, result.error, result.retriable);
      return;
    }
    const items = node.type === NodeTypes.wait ? run.inputs[0] ?? [] : result.items;
    this.nodeCompleted(node, run, { outputs: [items] });
  }

  /**
   * Effects recorded as started but not completed (after a restart, or started
   * by another instance): their specs again, from the inputs they started with.
   */
  inFlightEffects(): StartedEffect[] {
    const out: StartedEffect[] = [];
    for (const name of this.current.running) {
      if (this.effectiveKind(name) !== 'effect') continue;
      const node = this.nodeOf(name);
      const run = this.current.runs.get(name)?.at(-1);
      if (!run || run.status !== 'running') continue;
      try {
        const spec = prepareEffect(this.contextFor(node, run.runIndex, run.inputs), this.workflow, this.current.attempt, this.deps.effects);
        out.push({ node: name, runIndex: run.runIndex, attempt: this.current.attempt, spec, retry: retryOf(node) });
      } catch (error) {
        this.nodeFailed(node, run, messageOf(error), false);
      }
    }
    return out;
  }

  cancel(reason: string): void {
    if (this.current.status !== 'running') return;
    this.record({ type: 'workflow.execution_cancelled', data: { executionId: this.current.executionId, workflowId: this.current.workflowId, reason } });
  }

  failExecution(error: string, failedNode?: string): void {
    if (this.current.status !== 'running') return;
    this.record({
      type: 'workflow.execution_failed',
      data: { executionId: this.current.executionId, workflowId: this.current.workflowId, error: error.slice(0, 5000), ...(failedNode ? { failedNode } : {}) },
    });
  }

  /** Deadline of settings.executionTimeout, if any. */
  deadline(): number | undefined {
    const seconds = Number(this.workflow.settings.executionTimeout ?? -1);
    if (!(seconds > 0) || this.current.startedAt === '') return undefined;
    return Date.parse(this.current.startedAt) + seconds * 1000;
  }

  private timedOut(): boolean {
    const deadline = this.deadline();
    return deadline !== undefined && this.deps.now() > deadline;
  }

  /** Nodes that can start now, in v1 order. */
  runnable(): string[] {
    const state = this.current;
    const ready: string[] = [];
    const partial: string[] = [];
    for (const name of this.workflow.order) {
      if (state.running.has(name)) continue;
      const node = this.nodeOf(name);
      if (kindOf(node) === 'subnode') continue;
      const queues = state.queues.get(name) ?? [];
      const inputs = Math.max(1, connectedInputs(this.workflow, name));
      if (inputs === 1) {
        if ((queues[0]?.length ?? 0) > 0) ready.push(name);
        continue;
      }
      let waiting = 0;
      let some = false;
      for (let i = 0; i < inputs; i++) {
        if ((queues[i]?.length ?? 0) > 0) some = true;
        else if ((this.workflow.incoming.get(name) ?? []).some((e) => e.input === i)) waiting++;
      }
      if (waiting === 0) ready.push(name);
      else if (some) partial.push(name);
    }
    // A node with several inputs waits for all of them, unless nothing else can run: then no more data can arrive.
    if (ready.length === 0 && state.running.size === 0) return partial.slice(0, 1);
    return ready;
  }

  private effectiveKind(name: string): 'trigger' | 'inline' | 'sandboxed' | 'effect' | 'subnode' {
    const node = this.nodeOf(name);
    if (node.disabled === true || this.workflow.pinData.has(name)) return 'inline';
    return kindOf(node);
  }

  private nodeOf(name: string): N8nNode {
    const node = this.workflow.nodes.get(name);
    if (!node) throw new Error(`node "${name}" is not in the workflow`);
    return node;
  }

  private runOf(name: string, runIndex: number): NodeRun | undefined {
    return this.current.runs.get(name)?.find((r) => r.runIndex === runIndex);
  }

  private startNode(name: string): StartedEffect | undefined {
    const node = this.nodeOf(name);
    const runIndex = this.current.runs.get(name)?.length ?? 0;
    const kind = this.effectiveKind(name);
    const { executionId, workflowId, attempt } = this.current;
    let spec: EffectSpec | undefined;
    let ctx: NodeContext | undefined;
    let prepareError: unknown;
    if (kind === 'effect') {
      // Resolve what the effect will do before recording its start: the start event then names the task or tool call.
      ctx = this.contextFor(node, runIndex, this.peekInputs(name));
      try {
        spec = prepareEffect(ctx, this.workflow, attempt, this.deps.effects);
      } catch (error) {
        prepareError = error;
      }
    }
    const ids = spec?.kind === 'task' && spec.tasks[0] ? { taskId: spec.tasks[0].taskId } : spec?.kind === 'mcp' && spec.calls[0] ? { callId: spec.calls[0].callId } : {};
    this.record({ type: 'workflow.node_started', data: { executionId, workflowId, nodeName: name, nodeType: node.type, runIndex, ...ids } });
    const run = this.runOf(name, runIndex) as NodeRun;
    if (prepareError !== undefined) {
      this.nodeFailed(node, run, messageOf(prepareError), false);
      return undefined;
    }
    if (spec) {
      return { node: name, runIndex, attempt, spec, retry: retryOf(node) };
    }
    const inputs = this.inputsFor(node, run);
    const tries = node.retryOnFail === true ? Math.min(5, Math.max(2, node.maxTries ?? 3)) : 1;
    for (let t = 1; ; t++) {
      try {
        const outcome = this.runInline(node, run, inputs);
        this.nodeCompleted(node, run, outcome);
        return undefined;
      } catch (error) {
        if (t < tries && !(error instanceof SandboxError && error.reason !== 'error')) continue;
        this.nodeFailed(node, run, messageOf(error), error instanceof NodeError ? error.retriable : false);
        return undefined;
      }
    }
  }

  /** The inputs the next run of a node will take (the heads of its queues). */
  private peekInputs(name: string): Items[] {
    const queues = this.current.queues.get(name) ?? [];
    const n = Math.max(1, connectedInputs(this.workflow, name), queues.length);
    return Array.from({ length: n }, (_, i) => queues[i]?.[0] ?? []);
  }

  private inputsFor(node: N8nNode, run: NodeRun): Items[] {
    const inputs = [...run.inputs];
    if (node.executeOnce === true && inputs[0]) inputs[0] = inputs[0].slice(0, 1);
    return inputs;
  }

  private contextFor(node: N8nNode, runIndex: number, rawInputs: readonly Items[]): NodeContext {
    const inputs = node.executeOnce === true && rawInputs[0] ? [rawInputs[0].slice(0, 1), ...rawInputs.slice(1)] : rawInputs;
    const nodes: Record<string, { items: Items; paired?: Array<N8nItem | null> }> = {};
    const first = rawInputs[0] ?? [];
    for (const ref of referencedNodes(node.parameters)) {
      const items = latestItems(this.current, ref);
      if (!items) continue;
      // $('ref').item follows each input item's pairedItem chain back to ref, as n8n does.
      const paired = first.map((_, index) => pairedItemOf(this.workflow, this.current, node.name, 0, first, index, ref) ?? null);
      nodes[ref] = { items, ...(paired.some((p) => p !== null) ? { paired } : {}) };
    }
    const data: EvaluationData = {
      items: inputs[0] ?? [], nodes,
      execution: { id: this.current.executionId, mode: this.current.triggerNode ? 'trigger' : 'manual' },
      workflow: { id: this.current.workflowId, name: this.info.name, active: this.info.active },
      vars: this.deps.vars, env: this.deps.env, nowMs: this.deps.now(),
    };
    return {
      node, workflow: this.workflow, executionId: this.current.executionId, runIndex, inputs,
      params: new ParameterResolver(this.deps.sandbox, data), sandbox: this.deps.sandbox, data, nowMs: data.nowMs,
    };
  }

  private runInline(node: N8nNode, run: NodeRun, inputs: Items[]): NodeOutcome {
    const pinned = this.workflow.pinData.get(node.name);
    if (pinned) return { outputs: [pinned.map((json, index) => (isItem(json) ? (json as unknown as N8nItem) : { json, pairedItem: { item: index } }))] };
    if (node.disabled === true) return { outputs: [inputs[0] ?? []] };
    const ctx = this.contextFor(node, run.runIndex, inputs);
    switch (node.type) {
      case NodeTypes.manualTrigger:
      case NodeTypes.webhook:
      case NodeTypes.scheduleTrigger:
      case NodeTypes.cron:
      case NodeTypes.executeWorkflowTrigger:
      case NodeTypes.errorTrigger:
        return triggerNode(ctx);
      case NodeTypes.set: return setNode(ctx);
      case NodeTypes.if: return ifNode(ctx);
      case NodeTypes.switch: return switchNode(ctx);
      case NodeTypes.merge: return mergeNode(ctx);
      case NodeTypes.noOp: return noOpNode(ctx);
      case NodeTypes.splitInBatches: return splitInBatchesNode(ctx, (this.current.runs.get(node.name) ?? []).filter((r) => r.runIndex < run.runIndex));
      case NodeTypes.stopAndError: return stopAndErrorNode(ctx);
      case NodeTypes.respondToWebhook: return respondToWebhookNode(ctx);
      case NodeTypes.code: return codeNode(ctx);
      default: throw new NodeError(`node type ${node.type} cannot run inline`);
    }
  }

  private regularOutputs(node: N8nNode): number {
    if (node.disabled === true || this.workflow.pinData.has(node.name)) return 1;
    switch (node.type) {
      case NodeTypes.if: return 2;
      case NodeTypes.splitInBatches: return 2;
      case NodeTypes.switch: return switchOutputs(node.parameters);
      default: return 1;
    }
  }

  private nodeCompleted(node: N8nNode, run: NodeRun, outcome: NodeOutcome): void {
    let outputs = outcome.outputs;
    if (node.alwaysOutputData === true && outputs.every((o) => o.length === 0)) outputs = [[{ json: {} }], ...outputs.slice(1)];
    const limit = this.deps.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
    const bytes = Buffer.byteLength(JSON.stringify(outputs));
    if (bytes > limit) {
      this.nodeFailed(node, run, `its output is ${Math.ceil(bytes / 1024)} KiB, over the ${Math.floor(limit / 1024)} KiB one event may carry (WORKFLOW_MAX_OUTPUT_KB)`, false);
      return;
    }
    this.recordCompleted(node, run, outputs, outcome.response);
  }

  private recordCompleted(node: N8nNode, run: NodeRun, outputs: readonly Items[], response?: WebhookResponseData): void {
    const { executionId, workflowId } = this.current;
    const data: WorkflowNodeCompletedData = {
      executionId, workflowId, nodeName: node.name, nodeType: node.type, runIndex: run.runIndex,
      outputs: outputs.map((items, output): NodeOutputData => ({ output, items: items as unknown as JsonObject[] })),
      progress: Math.min(100, Math.round(((this.current.completedRuns + 1) / this.total) * 1000) / 10),
      durationMs: Math.max(0, this.deps.now() - Date.parse(run.startedAt || new Date(this.deps.now()).toISOString())),
      ...(response ? { response } : {}),
    };
    this.record({ type: 'workflow.node_completed', data });
  }

  /** A node failed: onError decides whether the execution stops or the error flows on as data. */
  private nodeFailed(node: N8nNode, run: NodeRun, error: string, retriable: boolean): void {
    const { executionId, workflowId } = this.current;
    this.record({ type: 'workflow.node_failed', data: { executionId, workflowId, nodeName: node.name, nodeType: node.type, runIndex: run.runIndex, error: error.slice(0, 5000) || 'unknown error', retriable } });
    const onError = node.onError ?? (node.continueOnFail === true ? 'continueRegularOutput' : 'stopWorkflow');
    const inputs = run.inputs[0] ?? [];
    if (onError === 'continueRegularOutput') {
      this.recordCompleted(node, run, [inputs.length > 0 ? inputs.map((i, index) => ({ json: { error }, pairedItem: { item: index } })) : [{ json: { error } }]]);
    } else if (onError === 'continueErrorOutput') {
      const regular = this.regularOutputs(node);
      const outputs: Items[] = Array.from({ length: regular }, () => []);
      outputs.push(inputs.length > 0 ? inputs.map((i, index) => ({ json: { ...i.json, error }, pairedItem: { item: index } })) : [{ json: { error } }]);
      this.recordCompleted(node, run, outputs);
    } else {
      this.failExecution(`${node.name}: ${error}`, node.name);
    }
  }

  private completeExecution(): void {
    const { executionId, workflowId, lastCompleted, startedAt } = this.current;
    const output = lastCompleted ? latestItems(this.current, lastCompleted) ?? [] : [];
    this.record({
      type: 'workflow.execution_completed',
      data: { executionId, workflowId, output: output.map((i) => i.json as JsonObject).slice(0, 10_000), durationMs: Math.max(0, this.deps.now() - Date.parse(startedAt || new Date(this.deps.now()).toISOString())) },
    });
  }
}

const retryOf = (node: N8nNode): StartedEffect['retry'] => (node.retryOnFail === true
  ? { tries: Math.min(5, Math.max(2, node.maxTries ?? 3)), waitMs: Math.min(5_000, Math.max(0, node.waitBetweenTries ?? 1_000)) }
  : { tries: 1, waitMs: 0 });

const isItem = (value: JsonObject): boolean => typeof value['json'] === 'object' && value['json'] !== null && Object.keys(value).every((k) => ['json', 'binary', 'pairedItem'].includes(k));

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
