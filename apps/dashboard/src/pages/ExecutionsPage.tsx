import { useState } from 'react';
import { api, type Page } from '../api';
import { useApp, useLive, useResource } from '../app-context';
import { Badge, ErrorLine, VirtualTable } from '../components';
import { navigate } from '../router';
import type { LiveEvent } from '../live';

interface NodeOutput {
  output: number;
  items: unknown[];
}

interface NodeState {
  status: string;
  type?: string;
  startedAt?: string;
  durationMs?: number;
  error?: string;
  taskId?: string;
  outputs?: NodeOutput[];
}

/** n8n connections: source node -> main outputs -> the nodes (and their input) each output feeds. */
type Connections = Record<string, { main?: Array<Array<{ node: string; index?: number }> | null> }>;

/** Each node's input: the items its upstream nodes emitted on the outputs connected to it. */
export function nodeInputs(connections: Connections, outputs: Record<string, NodeOutput[] | undefined>): Record<string, unknown[]> {
  const inputs: Record<string, unknown[]> = {};
  for (const [source, { main = [] }] of Object.entries(connections)) {
    main.forEach((targets, outputIndex) => {
      const items = outputs[source]?.find((o) => o.output === outputIndex)?.items;
      if (!items) return;
      for (const target of targets ?? []) (inputs[target.node] ??= []).push(...items);
    });
  }
  return inputs;
}

export interface Execution {
  id: string;
  workflowId: string;
  workflowVersion: number;
  status: string;
  progress: number;
  input: unknown;
  output: unknown;
  error: string | null;
  failedNode: string | null;
  nodes: Record<string, NodeState>;
  startedAt: string;
  durationMs: number | null;
}

export function ExecutionsPage({ id }: { id?: string }) {
  const list = useResource<Page<Execution>>('/api/executions?limit=200', 5_000);
  return (
    <div>
      <h1>Executions</h1>
      <ErrorLine error={list.error} />
      <div className="split">
        <VirtualTable testId="executions-table" height={420} rows={list.data?.items ?? []} rowKey={(e) => e.id} selected={id} onRowClick={(e) => navigate(`/executions/${e.id}`)} columns={[
          { key: 'id', header: 'Execution', width: 280 },
          { key: 'workflowId', header: 'Workflow' },
          { key: 'status', header: 'Status', width: 110, render: (e) => <Badge value={e.status} /> },
          { key: 'progress', header: 'Progress', width: 90, render: (e) => `${Math.round(e.progress)}%` },
          { key: 'startedAt', header: 'Started', width: 180, render: (e) => new Date(e.startedAt).toLocaleString() },
        ]} />
        {id && <ExecutionDetail key={id} id={id} onChanged={list.reload} />}
      </div>
    </div>
  );
}

/** One execution, node by node, moved live by execution.{id} events; node outputs as they arrive. */
function ExecutionDetail({ id, onChanged }: { id: string; onChanged: () => void }) {
  const { can, notify } = useApp();
  // Re-read every few seconds too: the read model can lag the live feed (separate consumers).
  const execution = useResource<Execution>(`/api/executions/${encodeURIComponent(id)}`, 3_000);
  const [liveStatus, setLiveStatus] = useState<string>();
  const [live, setLive] = useState<Record<string, NodeState>>({});
  const [outputs, setOutputs] = useState<Record<string, unknown>>({});
  const [progress, setProgress] = useState(0);
  const [fromNode, setFromNode] = useState('');
  useLive([`execution.${id}`], (events: readonly LiveEvent[]) => {
    const nodes: Record<string, NodeState> = {};
    const outs: Record<string, unknown> = {};
    let finished = false;
    for (const e of events) {
      const d = e.data;
      const name = typeof d['nodeName'] === 'string' ? d['nodeName'] : undefined;
      if (d.event === 'workflow.node_started' && name) nodes[name] = { status: 'running', type: String(d['nodeType'] ?? ''), startedAt: e.timestamp };
      if (d.event === 'workflow.node_completed' && name) {
        nodes[name] = { ...nodes[name], status: 'completed', type: String(d['nodeType'] ?? ''), durationMs: Number(d['durationMs'] ?? 0) };
        outs[name] = d['outputs'];
        if (typeof d['progress'] === 'number') setProgress((p) => Math.max(p, d['progress'] as number));
      }
      if (d.event === 'workflow.node_failed' && name) nodes[name] = { status: 'failed', type: String(d['nodeType'] ?? ''), error: String(d['error'] ?? '') };
      const ended = /^workflow\.execution_(completed|failed|cancelled|started)$/.exec(d.event);
      if (ended) {
        finished = true;
        setLiveStatus(ended[1] === 'started' ? 'running' : ended[1]);
      }
    }
    setLive((prev) => {
      const next = { ...prev };
      for (const [name, state] of Object.entries(nodes)) next[name] = { ...prev[name], ...state };
      return next;
    });
    setOutputs((prev) => ({ ...prev, ...outs }));
    if (finished) {
      execution.reload();
      onChanged();
    }
  });
  const e = execution.data;
  const versions = useResource<{ items: Array<{ version: number; n8nData: { connections?: Connections } }> }>(
    e ? `/api/workflows/${encodeURIComponent(e.workflowId)}/versions` : undefined);
  const connections = versions.data?.items.find((v) => v.version === e?.workflowVersion)?.n8nData.connections ?? {};
  const nodes: Record<string, NodeState> = { ...(e?.nodes ?? {}) };
  for (const [name, state] of Object.entries(live)) nodes[name] = { ...nodes[name], ...state };
  // The read model is the truth once the execution has ended (live events are at-most-once).
  if (e && ['completed', 'failed', 'cancelled'].includes(e.status)) for (const [name, state] of Object.entries(e.nodes ?? {})) nodes[name] = { ...nodes[name], ...state };
  const ENDED = ['completed', 'failed', 'cancelled'];
  // Whichever has news: a terminal state from the read model, else the live feed's, else the read model's.
  const status = e && ENDED.includes(e.status) ? e.status : liveStatus ?? e?.status ?? 'loading';
  const act = async (label: string, call: () => Promise<unknown>) => {
    try {
      await call();
      notify(label);
      setLive({});
      setLiveStatus(undefined);
      execution.reload();
      onChanged();
    } catch (err) {
      notify((err as Error).message, 'error');
    }
  };
  return (
    <div className="detail" data-testid="execution-detail" data-status={status}>
      <h2>Execution <span className="mono small">{id}</span></h2>
      <ErrorLine error={execution.error} />
      <div><Badge value={status} /> {e ? `workflow ${e.workflowId} v${e.workflowVersion}` : ''}</div>
      <div className="progress"><div style={{ width: `${status === 'completed' ? 100 : Math.max(progress, e?.progress ?? 0)}%` }} /></div>
      <table className="plain" data-testid="execution-nodes">
        <tbody>
          {Object.entries(nodes).sort(([, a], [, b]) => (a.startedAt ?? '\uffff').localeCompare(b.startedAt ?? '\uffff')).map(([name, n]) => (
            <tr key={name} data-node={name} data-node-status={n.status}>
              <td>{name}</td><td><Badge value={n.status} /></td><td className="small">{n.durationMs !== undefined ? `${Math.round(n.durationMs)} ms` : ''}</td>
              <td className="small">{n.error ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {e?.error && <div className="error">{e.failedNode ? `${e.failedNode}: ` : ''}{e.error}</div>}
      <details><summary>Input</summary><pre className="output">{JSON.stringify(e?.input ?? {}, null, 2)}</pre></details>
      {(() => {
        // Outputs as the read model keeps them, newer ones from the live feed on top; inputs follow the workflow's connections.
        const stored = Object.fromEntries(Object.entries(e?.nodes ?? {}).flatMap(([name, n]) => (n.outputs ? [[name, n.outputs]] : [])));
        const all = { ...stored, ...(outputs as Record<string, NodeOutput[]>) };
        const inputs = nodeInputs(connections, all);
        return Object.keys(all).length > 0 && (
          <details data-testid="node-data"><summary>Node inputs and outputs</summary>
            {Object.keys(nodes).map((name) => (
              <div key={name} data-node-data={name}>
                <h4>{name}</h4>
                <pre className="output">{JSON.stringify({ input: inputs[name] ?? [], output: all[name] ?? [] }, null, 2)}</pre>
              </div>
            ))}
          </details>
        );
      })()}
      {e?.output !== null && e?.output !== undefined && <details open><summary>Output</summary><pre className="output">{JSON.stringify(e.output, null, 2)}</pre></details>}
      {can('executions.manage') && (
        <div className="actions">
          {status === 'running' && <button className="danger" onClick={() => void act('cancel requested', () => api('POST', `/api/executions/${encodeURIComponent(id)}/cancel`, {}))}>Cancel</button>}
          {status === 'failed' && (
            <>
              <select aria-label="retry from node" value={fromNode} onChange={(ev) => setFromNode(ev.target.value)}>
                <option value="">from the failed node</option>
                {Object.keys(nodes).map((n) => <option key={n} value={n}>{n}</option>)}
              </select>
              <button onClick={() => void act('retry started', () => api('POST', `/api/executions/${encodeURIComponent(id)}/retry`, fromNode ? { fromNode } : {}))}>Retry</button>
            </>
          )}
        </div>
      )}
    </div>
  );
}
