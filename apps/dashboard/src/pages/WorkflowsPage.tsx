import { useState } from 'react';
import { api, type Page } from '../api';
import { useApp, useResource } from '../app-context';
import { Badge, ErrorLine, VirtualTable } from '../components';
import { navigate } from '../router';
import { isN8nWorkflow } from '../workflow/n8n-graph';

export interface Workflow {
  id: string;
  name: string;
  description: string | null;
  latestVersion: number;
  activeVersion: number | null;
  active: boolean;
  updatedAt: string;
  n8nData?: unknown;
}

interface Version {
  version: number;
  name: string;
  createdAt: string;
  n8nData: { nodes?: unknown[] };
}

/** Workflows: import n8n JSON (paste or file), versions, activate, run, open in the editor. */
export function WorkflowsPage() {
  const { can } = useApp();
  const list = useResource<Page<Workflow>>('/api/workflows?limit=200', 10_000);
  const [selected, setSelected] = useState<string>();
  return (
    <div>
      <h1>Workflows</h1>
      <ErrorLine error={list.error} />
      {can('workflows.create') && <ImportForm onImported={(id) => { list.reload(); setSelected(id); }} />}
      <div className="split">
        <VirtualTable testId="workflows-table" height={360} rows={list.data?.items ?? []} rowKey={(w) => w.id} selected={selected} onRowClick={(w) => setSelected(w.id)} columns={[
          { key: 'name', header: 'Name' },
          { key: 'id', header: 'Id', width: 220 },
          { key: 'latestVersion', header: 'Latest', width: 70 },
          { key: 'activeVersion', header: 'Active', width: 70, render: (w) => (w.active ? <Badge value={`v${w.activeVersion}`} /> : '-') },
          { key: 'updatedAt', header: 'Updated', width: 180, render: (w) => new Date(w.updatedAt).toLocaleString() },
        ]} />
        {selected && <WorkflowDetail key={selected} id={selected} onChanged={list.reload} />}
      </div>
    </div>
  );
}

function ImportForm({ onImported }: { onImported: (id: string) => void }) {
  const { notify } = useApp();
  const [text, setText] = useState('');
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<string>();
  const readFile = async (file: File | undefined) => {
    if (file) setText(await file.text());
  };
  const submit = async () => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      setProblem(`not valid JSON: ${(e as Error).message}`);
      return;
    }
    if (!isN8nWorkflow(parsed)) {
      setProblem('not n8n workflow JSON: it needs "nodes" (each with a name and a type) and "connections"');
      return;
    }
    const workflowName = name || (typeof parsed['name'] === 'string' ? parsed['name'] : '');
    if (workflowName.length < 3) {
      setProblem('give the workflow a name (3 characters or more)');
      return;
    }
    setProblem(undefined);
    try {
      const workflow = await api<Workflow>('POST', '/api/workflows', { name: workflowName, n8nData: parsed });
      notify(`imported ${workflow.name} (version ${workflow.latestVersion})`);
      setText('');
      setName('');
      onImported(workflow.id);
    } catch (e) {
      setProblem((e as Error).message);
    }
  };
  return (
    <details className="import" open={false}>
      <summary>Import n8n workflow</summary>
      <div className="import-body">
        <textarea aria-label="n8n JSON" placeholder="paste n8n workflow JSON here" value={text} onChange={(e) => setText(e.target.value)} rows={8} />
        <div className="row">
          <input type="file" accept=".json,application/json" aria-label="n8n JSON file" onChange={(e) => void readFile(e.target.files?.[0])} />
          <input aria-label="workflow name" placeholder="name (default: the JSON's name)" value={name} onChange={(e) => setName(e.target.value)} />
          <button onClick={() => void submit()}>Import</button>
        </div>
        <ErrorLine error={problem} />
      </div>
    </details>
  );
}

function WorkflowDetail({ id, onChanged }: { id: string; onChanged: () => void }) {
  const { can, notify } = useApp();
  const versions = useResource<{ items: Version[] }>(`/api/workflows/${encodeURIComponent(id)}/versions`);
  const workflow = useResource<Workflow>(`/api/workflows/${encodeURIComponent(id)}`);
  const [input, setInput] = useState('{}');
  const act = async (label: string, call: () => Promise<unknown>) => {
    try {
      const result = await call();
      notify(label);
      versions.reload();
      workflow.reload();
      onChanged();
      return result;
    } catch (e) {
      notify((e as Error).message, 'error');
      return undefined;
    }
  };
  const run = async () => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(input || '{}');
    } catch {
      notify('the input is not valid JSON', 'error');
      return;
    }
    const execution = (await act('execution started', () => api<{ id: string }>('POST', `/api/workflows/${encodeURIComponent(id)}/execute`, { input: parsed }))) as { id: string } | undefined;
    if (execution) navigate(`/executions/${execution.id}`);
  };
  const w = workflow.data;
  return (
    <div className="detail" data-testid="workflow-detail">
      <h2>{w?.name ?? id}</h2>
      <div className="small">{w?.description}</div>
      <div className="card-title">Versions</div>
      <table className="plain">
        <tbody>
          {(versions.data?.items ?? []).map((v) => (
            <tr key={v.version} data-version={v.version}>
              <td>v{v.version}</td><td>{v.n8nData?.nodes?.length ?? 0} nodes</td><td className="small">{new Date(v.createdAt).toLocaleString()}</td>
              <td>{w?.activeVersion === v.version ? <Badge value="active" /> : can('workflows.activate') && (
                <button className="small-btn" onClick={() => void act(`version ${v.version} active`, () => api('POST', `/api/workflows/${encodeURIComponent(id)}/activate`, { version: v.version }))}>Activate</button>
              )}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="actions">
        <button onClick={() => navigate(`/workflows/${encodeURIComponent(id)}/edit`)}>{can('workflows.create') ? 'Open editor' : 'View graph'}</button>
        {can('executions.start') && (
          <>
            <input aria-label="execution input" className="mono" value={input} onChange={(e) => setInput(e.target.value)} />
            <button onClick={() => void run()}>Run</button>
          </>
        )}
      </div>
    </div>
  );
}
