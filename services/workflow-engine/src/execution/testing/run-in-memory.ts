import type { CallMcpToolData, CreateTaskData } from '@hive/contracts';
import type { JsonObject } from '../../n8n/n8n-workflow.types';
import { parseN8nWorkflow } from '../../n8n/parse-n8n-workflow';
import { taskOutputItem, type EffectResult, type HttpRequestSpec } from '../../nodes/effects';
import type { QuickJsSandbox } from '../../sandbox/quickjs-sandbox';
import { ExecutionDriver } from '../execution-driver';
import { emptyExecution, type ExecutionState } from '../execution-state';
import type { ExecutionEvent } from '../execution.events';

export interface InMemoryFakes {
  readonly http?: (request: HttpRequestSpec, index: number) => EffectResult;
  readonly task?: (task: CreateTaskData) => { result: string } | { error: string };
  readonly mcp?: (call: CreateMcp) => EffectResult;
}
type CreateMcp = CallMcpToolData;

/** Runs a workflow to the end with effects answered by fakes (timers fire at once): the engine's semantics without I/O. */
export function runInMemory(n8n: unknown, options: { sandbox: QuickJsSandbox; input?: JsonObject; triggerNode?: string; fakes?: InMemoryFakes; now?: number; env?: Record<string, string>; vars?: Record<string, string> }): { state: ExecutionState; events: ExecutionEvent[] } {
  const workflow = parseN8nWorkflow(n8n);
  const now = options.now ?? Date.parse('2025-03-01T12:00:00.000Z');
  const driver = new ExecutionDriver(workflow, { name: 'corpus', active: true }, emptyExecution(), {
    sandbox: options.sandbox, effects: { allowedHosts: ['*'], defaultHttpTimeoutMs: 10_000 }, vars: options.vars ?? {}, env: options.env ?? {}, now: () => now,
  });
  const events: ExecutionEvent[] = [];
  driver.record({ type: 'workflow.execution_started', data: { executionId: 'exec-1', workflowId: 'wf-1', workflowVersion: 1, input: options.input ?? {}, attempt: 1, ...(options.triggerNode ? { triggerNode: options.triggerNode } : {}) } });
  const fakes = options.fakes ?? {};
  for (let guard = 0; driver.state.status === 'running' && guard < 10_000; guard++) {
    const effects = driver.advance('all');
    events.push(...driver.takePending());
    if (effects.length === 0 && driver.state.status === 'running') throw new Error('execution is stuck: nothing runnable and nothing running');
    for (const effect of effects) {
      const spec = effect.spec;
      let result: EffectResult;
      switch (spec.kind) {
        case 'timer': result = { items: [] }; break;
        case 'http': {
          const items = [];
          let failure: EffectResult | undefined;
          for (let i = 0; i < spec.requests.length && !failure; i++) {
            let r: EffectResult = { error: 'no fake', retriable: false };
            for (let t = 1; t <= effect.retry.tries; t++) {
              r = (fakes.http ?? (() => ({ error: 'no HTTP fake', retriable: false })))(spec.requests[i], i);
              if (!('error' in r)) break;
            }
            if ('error' in r) failure = r;
            else items.push(...r.items);
          }
          result = failure ?? { items };
          break;
        }
        case 'task': {
          const outcomes = spec.tasks.map((t) => (fakes.task ?? (() => ({ error: 'no task fake' })))(t));
          const failed = outcomes.find((o) => 'error' in o);
          result = failed && 'error' in failed ? { error: failed.error, retriable: false }
            : { items: outcomes.map((o, i) => taskOutputItem(spec.output, 'result' in o ? o.result : '', undefined, i)) };
          break;
        }
        case 'mcp': {
          const outcomes = spec.calls.map((c) => (fakes.mcp ?? (() => ({ error: 'no MCP fake', retriable: false })))(c));
          result = outcomes.find((o) => 'error' in o) ?? { items: outcomes.flatMap((o) => ('items' in o ? o.items : [])) };
          break;
        }
        case 'subworkflow': result = { error: 'sub-workflows need the runner', retriable: false }; break;
      }
      driver.completeEffect(effect.node, effect.runIndex, result);
    }
    events.push(...driver.takePending());
  }
  return { state: driver.state, events };
}
