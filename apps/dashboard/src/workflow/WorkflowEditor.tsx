import { addEdge, Background, Controls, MarkerType, Position, ReactFlow, useEdgesState, useNodesState, type Connection, type Edge, type Node } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useEffect, useMemo, useState } from 'react';
import { api } from '../api';
import { useApp, useResource } from '../app-context';
import { ErrorLine } from '../components';
import { navigate } from '../router';
import { edgeId, PALETTE, toGraph, toWorkflow, uniqueName, type Graph, type GraphEdge, type N8nNode, type N8nWorkflow } from './n8n-graph';

interface WorkflowResponse {
  id: string;
  name: string;
  latestVersion: number;
  n8nData: N8nWorkflow;
}

type FlowNode = Node<{ label: string; n8n: N8nNode }>;
type FlowEdge = Edge<{ g: Omit<GraphEdge, 'id' | 'source' | 'target'> }>;

const toFlowNodes = (graph: Graph): FlowNode[] => graph.nodes.map((n) => ({
  id: n.id, position: { x: n.node.position?.[0] ?? 0, y: n.node.position?.[1] ?? 0 }, data: { label: n.node.name, n8n: n.node },
  className: 'wf-node', type: 'default', sourcePosition: Position.Right, targetPosition: Position.Left,
}));
const toFlowEdges = (graph: Graph): FlowEdge[] => graph.edges.map((e) => ({
  id: e.id, source: e.source, target: e.target, markerEnd: { type: MarkerType.ArrowClosed },
  label: e.type !== 'main' ? e.type : e.outputIndex > 0 ? `out ${e.outputIndex}` : undefined,
  data: { g: { type: e.type, outputIndex: e.outputIndex, targetType: e.targetType, inputIndex: e.inputIndex } },
}));

/** The graph back from the editor: positions as n8n stores them (whole numbers), unchanged ones untouched. */
function fromFlow(nodes: FlowNode[], edges: FlowEdge[]): Graph {
  return {
    nodes: nodes.map((n) => {
      const original = n.data.n8n;
      const [x, y] = original.position ?? [NaN, NaN];
      const moved = Math.round(n.position.x) !== Math.round(x) || Math.round(n.position.y) !== Math.round(y);
      return { id: n.id, node: moved || !original.position ? { ...original, position: [Math.round(n.position.x), Math.round(n.position.y)] } : original };
    }),
    edges: edges.map((e) => ({ id: e.id, source: e.source, target: e.target, ...(e.data?.g ?? { type: 'main', outputIndex: 0, targetType: 'main', inputIndex: 0 }) })),
  };
}

/** Draw an n8n workflow, add/connect/configure nodes and save the result as a new version of the same workflow. */
export function WorkflowEditor({ id }: { id: string }) {
  const { can, notify } = useApp();
  const workflow = useResource<WorkflowResponse>(`/api/workflows/${encodeURIComponent(id)}`);
  const [nodes, setNodes, onNodesChange] = useNodesState<FlowNode>([]);
  const [edges, setEdges, onEdgesChange] = useEdgesState<FlowEdge>([]);
  const [selected, setSelected] = useState<string>();
  const [draft, setDraft] = useState({ name: '', parameters: '' });
  const [problem, setProblem] = useState<string>();
  const editable = can('workflows.create');
  const original = workflow.data?.n8nData;

  useEffect(() => {
    if (!original) return;
    const graph = toGraph(original);
    setNodes(toFlowNodes(graph));
    setEdges(toFlowEdges(graph));
  }, [original, setNodes, setEdges]);

  const node = useMemo(() => nodes.find((n) => n.id === selected), [nodes, selected]);
  useEffect(() => {
    if (node) setDraft({ name: node.data.n8n.name, parameters: JSON.stringify(node.data.n8n.parameters ?? {}, null, 2) });
  }, [node?.id]);

  const onConnect = (c: Connection) => {
    if (!editable || !c.source || !c.target) return;
    const g = { type: 'main', outputIndex: 0, targetType: 'main', inputIndex: 0 };
    setEdges((eds) => addEdge({ ...c, id: edgeId({ source: c.source, target: c.target, ...g }), markerEnd: { type: MarkerType.ArrowClosed }, data: { g } }, eds));
  };

  const add = (label: string) => {
    const spec = PALETTE.find((p) => p.label === label);
    if (!spec) return;
    const graph = fromFlow(nodes, edges);
    const name = uniqueName(graph, spec.label);
    const maxX = Math.max(0, ...nodes.map((n) => n.position.x));
    const n8n: N8nNode = { parameters: spec.parameters, id: crypto.randomUUID(), name, type: spec.type, typeVersion: spec.typeVersion, position: [Math.round(maxX + 220), 0] };
    setNodes((ns) => [...ns, { id: `new-${n8n.id as string}`, position: { x: maxX + 220, y: 0 }, data: { label: name, n8n }, className: 'wf-node', sourcePosition: Position.Right, targetPosition: Position.Left }]);
    setSelected(`new-${n8n.id as string}`);
  };

  const apply = () => {
    if (!node) return;
    let parameters: Record<string, unknown>;
    try {
      parameters = JSON.parse(draft.parameters) as Record<string, unknown>;
    } catch (e) {
      setProblem(`parameters are not valid JSON: ${(e as Error).message}`);
      return;
    }
    const name = draft.name.trim();
    if (!name || nodes.some((n) => n.id !== node.id && n.data.n8n.name === name)) {
      setProblem(`"${name}" is empty or already used by another node`);
      return;
    }
    setProblem(undefined);
    setNodes((ns) => ns.map((n) => (n.id === node.id ? { ...n, data: { label: name, n8n: { ...n.data.n8n, name, parameters } } } : n)));
  };

  const remove = () => {
    if (!node) return;
    setNodes((ns) => ns.filter((n) => n.id !== node.id));
    setEdges((es) => es.filter((e) => e.source !== node.id && e.target !== node.id));
    setSelected(undefined);
  };

  const json = () => (original ? toWorkflow(original, fromFlow(nodes, edges)) : undefined);

  const save = async () => {
    const data = json();
    if (!data || !workflow.data) return;
    try {
      const saved = await api<{ latestVersion: number }>('POST', '/api/workflows', { id, name: workflow.data.name, n8nData: data });
      notify(`saved as version ${saved.latestVersion}`);
      navigate('/workflows');
    } catch (e) {
      setProblem((e as Error).message);
    }
  };

  const download = () => {
    const blob = new Blob([JSON.stringify(json(), null, 2)], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `${workflow.data?.name ?? id}.json`;
    a.click();
  };

  return (
    <div className="editor">
      <div className="toolbar">
        <h1>{workflow.data?.name ?? id} <span className="muted">v{workflow.data?.latestVersion}</span></h1>
        {editable && (
          <>
            <select aria-label="add node" value="" onChange={(e) => add(e.target.value)}>
              <option value="">+ add node</option>
              {PALETTE.map((p) => <option key={p.label} value={p.label}>{p.label}</option>)}
            </select>
            <button onClick={() => void save()}>Save as new version</button>
          </>
        )}
        <button onClick={download}>Download n8n JSON</button>
        <button onClick={() => navigate('/workflows')}>Back</button>
      </div>
      <ErrorLine error={workflow.error ?? problem} />
      <div className={`editor-body${node ? ' with-config' : ''}`}>
        <div className="canvas" data-testid="workflow-canvas">
          <ReactFlow nodes={nodes} edges={edges} onNodesChange={onNodesChange} onEdgesChange={editable ? onEdgesChange : undefined} onConnect={onConnect}
            nodesDraggable={editable} nodesConnectable={editable} onNodeClick={(_, n) => setSelected(n.id)} fitView deleteKeyCode={editable ? 'Delete' : null}>
            <Background />
            <Controls />
          </ReactFlow>
        </div>
        {node && (
          <div className="detail node-config" data-testid="node-config">
            <div className="small">{node.data.n8n.type}</div>
            <label>Name <input aria-label="node name" value={draft.name} disabled={!editable} onChange={(e) => setDraft({ ...draft, name: e.target.value })} /></label>
            <label>Parameters (JSON)
              <textarea aria-label="node parameters" className="mono" rows={12} value={draft.parameters} disabled={!editable} onChange={(e) => setDraft({ ...draft, parameters: e.target.value })} />
            </label>
            {editable && <div className="actions"><button onClick={apply}>Apply</button><button className="danger" onClick={remove}>Remove node</button></div>}
          </div>
        )}
      </div>
    </div>
  );
}
