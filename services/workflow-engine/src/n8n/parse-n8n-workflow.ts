import type { CompiledWorkflow, Edge } from './compiled-workflow';
import type { JsonObject, N8nConnectionTarget, N8nNode, N8nWorkflow } from './n8n-workflow.types';
import { nodeTypeInfo } from './node-types';
import { WorkflowImportError } from './workflow-import.error';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks n8n workflow JSON and indexes it. Every problem is collected and
 * reported in one WorkflowImportError: malformed nodes, duplicate names,
 * unsupported node types (each by name and type), connections from or to
 * missing nodes, and cycles that no looping node can leave.
 */
export function parseN8nWorkflow(json: unknown): CompiledWorkflow {
  const problems: string[] = [];
  if (!isObject(json)) throw new WorkflowImportError(['the workflow is not a JSON object']);
  if (!Array.isArray(json['nodes'])) throw new WorkflowImportError(['"nodes" must be an array']);
  const connections = json['connections'] ?? {};
  if (!isObject(connections)) throw new WorkflowImportError(['"connections" must be an object keyed by source node name']);

  const nodes = new Map<string, N8nNode>();
  const unsupported: string[] = [];
  (json['nodes'] as unknown[]).forEach((raw, index) => {
    if (!isObject(raw) || typeof raw['name'] !== 'string' || raw['name'] === '' || typeof raw['type'] !== 'string') {
      problems.push(`node #${index} needs a non-empty "name" and a "type"`);
      return;
    }
    const name = raw['name'];
    if (nodes.has(name)) {
      problems.push(`duplicate node name "${name}"`);
      return;
    }
    if (raw['parameters'] !== undefined && !isObject(raw['parameters'])) problems.push(`node "${name}": "parameters" must be an object`);
    const node: N8nNode = {
      ...(raw as unknown as N8nNode),
      typeVersion: typeof raw['typeVersion'] === 'number' ? raw['typeVersion'] : 1,
      position: Array.isArray(raw['position']) ? (raw['position'] as [number, number]) : [0, 0],
      parameters: (isObject(raw['parameters']) ? raw['parameters'] : {}) as JsonObject,
    };
    nodes.set(name, node);
    if (!nodeTypeInfo(node.type)) unsupported.push(`"${name}" (${node.type})`);
  });
  if (unsupported.length > 0) problems.push(`unsupported node types: ${unsupported.join(', ')}`);

  const edges: Edge[] = [];
  const attached = new Map<string, Map<string, string[]>>();
  for (const [source, byType] of Object.entries(connections)) {
    if (!nodes.has(source)) problems.push(`connections leave "${source}", which is not a node of the workflow`);
    if (!isObject(byType)) {
      problems.push(`connections of "${source}" must be an object keyed by connection type`);
      continue;
    }
    for (const [type, outputs] of Object.entries(byType)) {
      if (!Array.isArray(outputs)) {
        problems.push(`connections "${source}".${type} must be an array of outputs`);
        continue;
      }
      outputs.forEach((targets: unknown, output) => {
        if (targets === null) return;
        if (!Array.isArray(targets)) {
          problems.push(`connections "${source}".${type}[${output}] must be an array`);
          return;
        }
        for (const target of targets as unknown[]) {
          if (!isObject(target) || typeof target['node'] !== 'string') {
            problems.push(`a connection of "${source}" output ${output} has no target node`);
            continue;
          }
          const t = target as unknown as N8nConnectionTarget;
          if (!nodes.has(t.node)) {
            problems.push(`connection from "${source}" (output ${output}) to "${t.node}", which is not a node of the workflow`);
            continue;
          }
          if (type === 'main') {
            edges.push({ from: source, output, to: t.node, input: typeof t.index === 'number' ? t.index : 0 });
          } else {
            const byConnection = attached.get(t.node) ?? new Map<string, string[]>();
            byConnection.set(type, [...(byConnection.get(type) ?? []), source]);
            attached.set(t.node, byConnection);
          }
        }
      });
    }
  }

  for (const edge of edges) {
    const info = nodeTypeInfo(nodes.get(edge.to)?.type ?? '');
    if (info && edge.input >= Math.max(1, info.inputs)) problems.push(`connection from "${edge.from}" to input ${edge.input} of "${edge.to}", which has ${info.inputs} input(s)`);
    if (info?.kind === 'trigger') problems.push(`connection from "${edge.from}" into trigger "${edge.to}"`);
  }

  for (const cycle of cyclesOf([...nodes.keys()], edges)) {
    if (!cycle.some((name) => nodeTypeInfo(nodes.get(name)?.type ?? '')?.looping)) {
      problems.push(`cycle without a looping node (Loop Over Items, IF or Switch): ${cycle.map((n) => `"${n}"`).join(' -> ')}`);
    }
  }

  const pinData = new Map<string, JsonObject[]>();
  const rawPin = json['pinData'];
  if (rawPin !== undefined && rawPin !== null) {
    if (!isObject(rawPin)) problems.push('"pinData" must be an object keyed by node name');
    else {
      for (const [name, items] of Object.entries(rawPin)) {
        if (!nodes.has(name)) problems.push(`pinData for "${name}", which is not a node of the workflow`);
        else if (!Array.isArray(items) || !items.every(isObject)) problems.push(`pinData for "${name}" must be an array of objects`);
        else pinData.set(name, items as JsonObject[]);
      }
    }
  }
  const settings = json['settings'] ?? {};
  if (!isObject(settings)) problems.push('"settings" must be an object');
  if (problems.length > 0) throw new WorkflowImportError(problems);

  const outgoing = new Map<string, Edge[]>();
  const incoming = new Map<string, Edge[]>();
  for (const name of nodes.keys()) {
    outgoing.set(name, []);
    incoming.set(name, []);
  }
  for (const edge of edges) {
    outgoing.get(edge.from)?.push(edge);
    incoming.get(edge.to)?.push(edge);
  }
  const order = [...nodes.values()]
    .sort((a, b) => a.position[1] - b.position[1] || a.position[0] - b.position[0])
    .map((n) => n.name);
  const triggers = order.filter((name) => nodeTypeInfo(nodes.get(name)?.type ?? '')?.kind === 'trigger');
  return {
    source: json as unknown as N8nWorkflow,
    nodes, order, outgoing, incoming, attached, triggers,
    settings: settings as CompiledWorkflow['settings'],
    pinData,
  };
}

/** Strongly connected components that form a cycle (more than one node, or a node connected to itself). Tarjan's algorithm. */
function cyclesOf(names: readonly string[], edges: readonly Edge[]): string[][] {
  const next = new Map<string, string[]>(names.map((n) => [n, []]));
  for (const e of edges) next.get(e.from)?.push(e.to);
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const result: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w === undefined) break;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (next.get(v) ?? []).includes(v)) result.push(component.reverse());
    }
  };
  for (const n of names) if (!index.has(n)) visit(n);
  return result;
}
