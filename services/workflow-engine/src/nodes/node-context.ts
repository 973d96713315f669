import type { CompiledWorkflow } from '../n8n/compiled-workflow';
import type { JsonObject, N8nItem, N8nNode } from '../n8n/n8n-workflow.types';
import type { ParameterResolver } from '../sandbox/parameter-resolver';
import type { QuickJsSandbox } from '../sandbox/quickjs-sandbox';
import type { EvaluationData } from '../sandbox/evaluation-data';
import type { Items } from '../execution/execution-state';

/** What a node implementation sees for one run. */
export interface NodeContext {
  readonly node: N8nNode;
  readonly workflow: CompiledWorkflow;
  readonly executionId: string;
  readonly runIndex: number;
  /** Items per input index. */
  readonly inputs: readonly Items[];
  /** Resolves parameters against the first input's items. */
  readonly params: ParameterResolver;
  readonly sandbox: QuickJsSandbox;
  /** Evaluation data for the first input (Code nodes). */
  readonly data: EvaluationData;
  readonly nowMs: number;
}

/** A node failed; `retriable` says whether running it again could help (network errors, 5xx). */
export class NodeError extends Error {
  constructor(message: string, readonly retriable = false) {
    super(message);
    this.name = 'NodeError';
  }
}

export const item = (json: JsonObject, index?: number): N8nItem => (index === undefined ? { json } : { json, pairedItem: { item: index } });

export const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Items returned by user code: `{ json }` items, or plain objects wrapped as items. */
export function toItems(values: readonly unknown[], what: string): N8nItem[] {
  return values.map((value, index) => {
    if (!isObject(value)) throw new NodeError(`${what} must return objects (item ${index} is ${value === null ? 'null' : typeof value})`);
    if (isObject(value['json'])) {
      const out: { json: JsonObject; binary?: JsonObject; pairedItem?: N8nItem['pairedItem'] } = { json: value['json'] };
      if (isObject(value['binary'])) out.binary = value['binary'];
      out.pairedItem = (value['pairedItem'] as N8nItem['pairedItem']) ?? { item: index };
      return out;
    }
    return { json: value, pairedItem: { item: index } };
  });
}
