import type { CompiledWorkflow } from '../n8n/compiled-workflow';
import type { JsonObject, N8nItem } from '../n8n/n8n-workflow.types';
import type { ExecutionEvent } from './execution.events';

export type Items = readonly N8nItem[];

export interface NodeRun {
  readonly node: string;
  readonly runIndex: number;
  /** Items per input index, as consumed when the run started. */
  readonly inputs: readonly Items[];
  readonly status: 'running' | 'completed' | 'failed';
  /** Items per output index. */
  readonly outputs?: readonly Items[];
  readonly error?: string;
  readonly startedAt: string;
}

export type ExecutionStatus = 'new' | 'running' | 'completed' | 'failed' | 'cancelled';

/**
 * An execution folded from its events. The queues are the data waiting on
 * each node's inputs: a node_completed pushes its outputs along the
 * connections, a node_started takes the head of its node's queues. Since the
 * fold is deterministic, the state after a restart is exactly the state
 * before the crash, minus whatever had not been committed.
 */
export interface ExecutionState {
  readonly status: ExecutionStatus;
  readonly executionId: string;
  readonly workflowId: string;
  readonly workflowVersion: number;
  readonly attempt: number;
  readonly input: JsonObject;
  readonly triggerNode?: string;
  /** First start, for the execution's duration and timeout. */
  readonly startedAt: string;
  /** Latest (re)start. */
  readonly attemptStartedAt: string;
  readonly queues: ReadonlyMap<string, ReadonlyArray<readonly Items[]>>;
  readonly runs: ReadonlyMap<string, readonly NodeRun[]>;
  readonly running: ReadonlySet<string>;
  readonly lastCompleted?: string;
  readonly failedNode?: string;
  readonly error?: string;
  readonly completedRuns: number;
}

export const emptyExecution = (): ExecutionState => ({
  status: 'new', executionId: '', workflowId: '', workflowVersion: 0, attempt: 0, input: {}, startedAt: '', attemptStartedAt: '',
  queues: new Map(), runs: new Map(), running: new Set(), completedRuns: 0,
});

/** The trigger an execution starts from: the one named, else the first enabled trigger in canvas order. */
export function startNodeOf(workflow: CompiledWorkflow, triggerNode: string | undefined): string | undefined {
  if (triggerNode !== undefined) return workflow.nodes.has(triggerNode) ? triggerNode : undefined;
  return workflow.triggers.find((name) => workflow.nodes.get(name)?.disabled !== true) ?? workflow.triggers[0];
}

/** Nodes reachable from `from` along main connections, `from` included. */
export function downstreamOf(workflow: CompiledWorkflow, from: string): Set<string> {
  const seen = new Set<string>([from]);
  const stack = [from];
  while (stack.length > 0) {
    const name = stack.pop() as string;
    for (const edge of workflow.outgoing.get(name) ?? []) {
      if (!seen.has(edge.to)) {
        seen.add(edge.to);
        stack.push(edge.to);
      }
    }
  }
  return seen;
}

const push = (queues: Map<string, Items[][]>, node: string, input: number, items: Items): void => {
  const perInput = queues.get(node) ?? [];
  while (perInput.length <= input) perInput.push([]);
  perInput[input] = [...perInput[input], items];
  queues.set(node, perInput);
};

export function evolveExecution(workflow: CompiledWorkflow) {
  return (state: ExecutionState, event: ExecutionEvent): ExecutionState => {
    switch (event.type) {
      case 'workflow.execution_started': {
        const d = event.data;
        const base = { ...state, status: 'running' as const, executionId: d.executionId, workflowId: d.workflowId, workflowVersion: d.workflowVersion, attempt: d.attempt, attemptStartedAt: event.occurredAt ?? '', failedNode: undefined, error: undefined };
        if (d.attempt === 1 || d.fromNode === undefined) {
          const queues = new Map<string, Items[][]>();
          const start = startNodeOf(workflow, d.triggerNode);
          if (start) push(queues, start, 0, [{ json: d.input as JsonObject }]);
          return { ...base, input: d.input as JsonObject, triggerNode: d.triggerNode, startedAt: state.startedAt || (event.occurredAt ?? ''), queues, runs: new Map(), running: new Set(), completedRuns: 0, lastCompleted: undefined };
        }
        // Retry from a node: it and everything after it run again on the stored outputs of the nodes before it.
        const again = downstreamOf(workflow, d.fromNode);
        const runs = new Map([...state.runs].filter(([name]) => !again.has(name)));
        const previous = state.runs.get(d.fromNode)?.at(-1);
        const queues = new Map<string, Items[][]>();
        if (previous) previous.inputs.forEach((items, input) => push(queues, d.fromNode as string, input, items));
        const completedRuns = [...runs.values()].reduce((n, r) => n + r.filter((x) => x.status === 'completed').length, 0);
        return { ...base, queues, runs, running: new Set(), completedRuns, lastCompleted: undefined };
      }
      case 'workflow.node_started': {
        const { nodeName, runIndex } = event.data;
        const queues = new Map(state.queues as Map<string, Items[][]>);
        const perInput = [...(queues.get(nodeName) ?? [])];
        const inputs: Items[] = [];
        const connected = connectedInputs(workflow, nodeName);
        for (let input = 0; input < Math.max(connected, perInput.length, 1); input++) {
          const arrivals = perInput[input] ?? [];
          inputs.push(arrivals[0] ?? []);
          perInput[input] = arrivals.slice(1);
        }
        queues.set(nodeName, perInput);
        const run: NodeRun = { node: nodeName, runIndex, inputs, status: 'running', startedAt: event.occurredAt ?? '' };
        const runs = new Map(state.runs);
        runs.set(nodeName, [...(runs.get(nodeName) ?? []), run]);
        return { ...state, queues, runs, running: new Set([...state.running, nodeName]) };
      }
      case 'workflow.node_completed': {
        const { nodeName, runIndex, outputs } = event.data;
        const items: Items[] = [];
        for (const o of outputs) items[o.output] = o.items as unknown as N8nItem[];
        for (let i = 0; i < items.length; i++) items[i] ??= [];
        const runs = new Map(state.runs);
        runs.set(nodeName, (runs.get(nodeName) ?? []).map((r) => (r.runIndex === runIndex ? { ...r, status: 'completed' as const, outputs: items } : r)));
        const queues = new Map(state.queues as Map<string, Items[][]>);
        for (const edge of workflow.outgoing.get(nodeName) ?? []) {
          const out = items[edge.output];
          if (out && out.length > 0) push(queues, edge.to, edge.input, out);
        }
        const running = new Set(state.running);
        running.delete(nodeName);
        return { ...state, runs, queues, running, lastCompleted: nodeName, completedRuns: state.completedRuns + 1 };
      }
      case 'workflow.node_failed': {
        const { nodeName, runIndex, error } = event.data;
        const runs = new Map(state.runs);
        runs.set(nodeName, (runs.get(nodeName) ?? []).map((r) => (r.runIndex === runIndex ? { ...r, status: 'failed' as const, error } : r)));
        const running = new Set(state.running);
        running.delete(nodeName);
        return { ...state, runs, running };
      }
      case 'workflow.execution_completed':
        return { ...state, status: 'completed', running: new Set() };
      case 'workflow.execution_failed':
        return { ...state, status: 'failed', running: new Set(), failedNode: event.data.failedNode, error: event.data.error };
      case 'workflow.execution_cancelled':
        return { ...state, status: 'cancelled', running: new Set() };
    }
  };
}

/** Number of inputs a node has wired (a Merge with only input 0 connected has 1). */
export function connectedInputs(workflow: CompiledWorkflow, node: string): number {
  const incoming = workflow.incoming.get(node) ?? [];
  return incoming.reduce((max, e) => Math.max(max, e.input + 1), 0);
}

/** The latest completed output 0 of a node, for $('Node') and $node. */
export function latestItems(state: ExecutionState, node: string): Items | undefined {
  const runs = state.runs.get(node) ?? [];
  for (let i = runs.length - 1; i >= 0; i--) if (runs[i].status === 'completed') return runs[i].outputs?.[0] ?? [];
  return undefined;
}

export function foldExecution(workflow: CompiledWorkflow, events: readonly (ExecutionEvent & { occurredAt?: string })[]): ExecutionState {
  return events.reduce(evolveExecution(workflow), emptyExecution());
}
