import type { CompiledWorkflow } from '../n8n/compiled-workflow';
import type { N8nItem } from '../n8n/n8n-workflow.types';
import type { ExecutionState, Items, NodeRun } from './execution-state';

type Pair = { readonly item: number; readonly input?: number };

/** n8n writes pairedItem as a number, an object or a list of them; the first one is the chain $('Node').item follows. */
const firstPair = (paired: N8nItem['pairedItem'] | number | undefined): Pair | undefined => {
  if (typeof paired === 'number') return { item: paired };
  if (Array.isArray(paired)) return paired[0];
  return paired as Pair | undefined;
};

/** The node run whose output `items` is, among the nodes wired into `node`'s input `input`. */
function sourceOf(workflow: CompiledWorkflow, state: ExecutionState, node: string, input: number, items: Items): { node: string; run: NodeRun } | undefined {
  const edges = (workflow.incoming.get(node) ?? []).filter((e) => e.input === input);
  // The fold hands a node's output arrays on to the inputs they feed, so the source is found by identity.
  for (const edge of edges) {
    for (const run of state.runs.get(edge.from) ?? []) if (run.outputs?.[edge.output] === items) return { node: edge.from, run };
  }
  if (edges.length !== 1) return undefined;
  const runs = state.runs.get(edges[0].from) ?? [];
  const run = [...runs].reverse().find((r) => r.status === 'completed');
  return run ? { node: edges[0].from, run } : undefined;
}

/**
 * n8n's `$('Target').item` for item `index` of `items` (input `input` of node
 * `from`): follows each item's pairedItem back, node by node, to the item of
 * Target it derives from. Undefined when the chain breaks (the caller then
 * matches by index). A missing pairedItem means item 0 when the node had one
 * input item, else the same index.
 */
export function pairedItemOf(workflow: CompiledWorkflow, state: ExecutionState, from: string, input: number, items: Items, index: number, target: string): N8nItem | undefined {
  let node = from;
  let list = items;
  let inputIndex = input;
  let i = index;
  for (let steps = 0; steps < 10_000; steps++) {
    const item = list[i];
    const source = item ? sourceOf(workflow, state, node, inputIndex, list) : undefined;
    if (!item || !source) return undefined;
    if (source.node === target) return item;
    const pair = firstPair(item.pairedItem as N8nItem['pairedItem'] | number | undefined);
    inputIndex = pair?.input ?? 0;
    const upstream = source.run.inputs[inputIndex] ?? [];
    i = pair?.item ?? (upstream.length === 1 ? 0 : i);
    node = source.node;
    list = upstream;
  }
  return undefined;
}
