import type { PoolClient } from 'pg';
import type { JsonObject } from '../n8n/n8n-workflow.types';
import { isObject } from '../nodes/node-context';
import { taskOutputItem, type EffectResult } from '../nodes/effects';
import type { EngineTables } from '../persistence/engine-tables';
import type { ExecutionEvent } from './execution.events';

/** The outcome of one call a node waits for: a task, an MCP tool call or a sub-workflow execution. */
export type CallOutcome =
  | { ok: true; result: string; resultJson?: JsonObject; json?: JsonObject; items?: JsonObject[] }
  | { ok: false; error: string };

/** Executions started by an Execute Workflow node carry this prefix (see effects.ts). */
export const isSubworkflowExecution = (executionId: string): boolean => executionId.startsWith('wfx-');

/**
 * Records one call's outcome; once every call of that node run has one, the
 * node's result goes to its execution's inbox, in the same transaction.
 */
export async function settleCall(tables: EngineTables, tx: PoolClient, callId: string, outcome: CallOutcome): Promise<void> {
  const settled = await tables.settleCall(tx, callId, outcome);
  if (!settled) return;
  const outcomes = settled.results as CallOutcome[];
  const failed = outcomes.find((o): o is Extract<CallOutcome, { ok: false }> => !o.ok);
  const ok = outcomes as Array<Extract<CallOutcome, { ok: true }>>;
  let result: EffectResult;
  if (failed) result = { error: failed.error, retriable: false };
  else if (settled.output === 'subworkflow') {
    result = { items: ok.flatMap((o, run) => (o.items ?? []).map((json) => ({ json, pairedItem: { item: ok.length > 1 ? run : 0 } }))) };
  } else if (settled.output === 'mcp') {
    result = { items: ok.map((o, index) => ({ json: isObject(o.json) ? o.json : {}, pairedItem: { item: index } })) };
  } else {
    result = { items: ok.map((o, index) => taskOutputItem(settled.output === 'llmChain' ? 'llmChain' : 'task', o.result, o.resultJson, index)) };
  }
  await tables.toInbox(tx, [{ executionId: settled.executionId, kind: 'effect', payload: { node: settled.node, runIndex: settled.runIndex, result } }]);
}

/** A sub-workflow execution's outcome, from the events that ended it (undefined while it runs). */
export function subworkflowOutcome(events: readonly ExecutionEvent[]): CallOutcome | undefined {
  for (const event of events) {
    if (event.type === 'workflow.execution_completed') return { ok: true, result: '', items: event.data.output as JsonObject[] };
    if (event.type === 'workflow.execution_failed') return { ok: false, error: `sub-workflow ${event.data.workflowId} failed: ${event.data.error}` };
    if (event.type === 'workflow.execution_cancelled') return { ok: false, error: `sub-workflow ${event.data.workflowId} was cancelled: ${event.data.reason}` };
  }
  return undefined;
}
