/**
 * n8n workflow JSON <-> a graph for the editor, without losing anything:
 * every node keeps its original object (unknown fields included), and the
 * connections are rebuilt into the original structure (source order, output
 * types, output slots, empty slots), so a workflow opened and saved unchanged
 * is byte-for-byte the same JSON, and an edited one is still n8n's format.
 */
export interface N8nNode {
  name: string;
  type: string;
  position?: [number, number];
  parameters?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface N8nTarget {
  node: string;
  type: string;
  index: number;
}

export type N8nConnections = Record<string, Record<string, Array<N8nTarget[] | null>>>;

export interface N8nWorkflow {
  nodes: N8nNode[];
  connections: N8nConnections;
  [key: string]: unknown;
}

export interface GraphNode {
  /** Stable while editing (the original name, or a fresh id); the n8n name lives in `node.name`. */
  id: string;
  node: N8nNode;
}

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  /** The connection type ("main", or an AI type such as "ai_languageModel"). */
  type: string;
  outputIndex: number;
  targetType: string;
  inputIndex: number;
}

export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export const edgeId = (e: Omit<GraphEdge, 'id'>): string => `${e.source}|${e.type}|${e.outputIndex}->${e.target}|${e.targetType}|${e.inputIndex}`;

export function isN8nWorkflow(value: unknown): value is N8nWorkflow {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { nodes, connections } = value as Record<string, unknown>;
  return Array.isArray(nodes) && nodes.every((n) => typeof n === 'object' && n !== null && typeof (n as N8nNode).name === 'string' && typeof (n as N8nNode).type === 'string')
    && typeof connections === 'object' && connections !== null && !Array.isArray(connections);
}

/** The graph of a workflow: one node per n8n node, one edge per connection target. */
export function toGraph(workflow: N8nWorkflow): Graph {
  const nodes = workflow.nodes.map((node) => ({ id: node.name, node }));
  const known = new Set(nodes.map((n) => n.id));
  const edges: GraphEdge[] = [];
  for (const [source, byType] of Object.entries(workflow.connections)) {
    for (const [type, outputs] of Object.entries(byType ?? {})) {
      (outputs ?? []).forEach((targets, outputIndex) => {
        for (const target of targets ?? []) {
          if (!known.has(source) || !known.has(target.node)) continue;
          const edge = { source, target: target.node, type, outputIndex, targetType: target.type, inputIndex: target.index };
          edges.push({ id: edgeId(edge), ...edge });
        }
      });
    }
  }
  return { nodes, edges };
}

/**
 * The n8n JSON of an edited graph. `original` supplies everything the editor
 * does not touch (workflow settings, meta, pinData, node fields) and the
 * shape of the connections; the graph supplies nodes, names, positions,
 * parameters and edges.
 */
export function toWorkflow(original: N8nWorkflow, graph: Graph): N8nWorkflow {
  const nameOf = new Map(graph.nodes.map((n) => [n.id, n.node.name]));
  const connections: N8nConnections = {};
  // The original shape first (its source order, types and slot counts), with the targets cleared.
  for (const [source, byType] of Object.entries(original.connections)) {
    const current = graph.nodes.find((n) => n.id === source);
    if (!current) continue;
    const entry: Record<string, Array<N8nTarget[] | null>> = {};
    for (const [type, outputs] of Object.entries(byType ?? {})) entry[type] = (outputs ?? []).map((slot) => (slot === null ? null : []));
    connections[current.node.name] = entry;
  }
  for (const edge of graph.edges) {
    const source = nameOf.get(edge.source);
    const target = nameOf.get(edge.target);
    if (source === undefined || target === undefined) continue;
    const byType = (connections[source] ??= {});
    const outputs = (byType[edge.type] ??= []);
    while (outputs.length <= edge.outputIndex) outputs.push([]);
    const slot = (outputs[edge.outputIndex] ??= []);
    slot.push({ node: target, type: edge.targetType, index: edge.inputIndex });
  }
  // A source that existed only for connections now all deleted is dropped, unless it was so in the original too.
  for (const [source, byType] of Object.entries(connections)) {
    const empty = Object.values(byType).every((outputs) => outputs.every((slot) => !slot || slot.length === 0));
    const originalId = graph.nodes.find((n) => n.node.name === source)?.id;
    const wasEmpty = originalId !== undefined && original.connections[originalId] !== undefined
      && Object.values(original.connections[originalId]).every((outputs) => (outputs ?? []).every((slot) => !slot || slot.length === 0));
    if (empty && !wasEmpty) delete connections[source];
  }
  return { ...original, nodes: graph.nodes.map((n) => n.node), connections };
}

/** A name not yet used in the graph ("Set", "Set1", "Set2", ... as n8n does). */
export function uniqueName(graph: Graph, base: string): string {
  const names = new Set(graph.nodes.map((n) => n.node.name));
  if (!names.has(base)) return base;
  for (let i = 1; ; i++) if (!names.has(`${base}${i}`)) return `${base}${i}`;
}

/** Node types the palette offers (n8n type names and sensible defaults). */
export const PALETTE: ReadonlyArray<{ label: string; type: string; typeVersion: number; parameters: Record<string, unknown> }> = [
  { label: 'Manual Trigger', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} },
  { label: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, parameters: { path: 'hook', httpMethod: 'POST' } },
  { label: 'Set', type: 'n8n-nodes-base.set', typeVersion: 3.4, parameters: { assignments: { assignments: [] }, options: {} } },
  { label: 'Code', type: 'n8n-nodes-base.code', typeVersion: 2, parameters: { jsCode: 'return $input.all();' } },
  { label: 'If', type: 'n8n-nodes-base.if', typeVersion: 2, parameters: { conditions: {} } },
  { label: 'Wait', type: 'n8n-nodes-base.wait', typeVersion: 1.1, parameters: { amount: 1, unit: 'seconds' } },
  { label: 'HTTP Request', type: 'n8n-nodes-base.httpRequest', typeVersion: 4.2, parameters: { url: 'https://example.com', method: 'GET' } },
  { label: 'Ollama Chat Model', type: '@n8n/n8n-nodes-langchain.lmChatOllama', typeVersion: 1, parameters: { model: 'deepseek-r1:7b' } },
];
