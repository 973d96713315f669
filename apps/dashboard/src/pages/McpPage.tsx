import { useState } from 'react';
import type { Page } from '../api';
import { useResource } from '../app-context';
import { Badge, ErrorLine, VirtualTable } from '../components';

interface McpServer {
  id: string;
  name: string | null;
  transport: string;
  endpoint: string | null;
  command: string | null;
  status: string;
  statusReason: string | null;
  version: string;
  tools: Array<{ name: string; description?: string; inputSchema?: unknown }> | null;
}

export function McpPage() {
  const servers = useResource<Page<McpServer>>('/api/mcp/servers?limit=200', 15_000);
  const [selected, setSelected] = useState<string>();
  const server = servers.data?.items.find((s) => s.id === selected);
  return (
    <div>
      <h1>MCP servers</h1>
      <ErrorLine error={servers.error} />
      <div className="split">
        <VirtualTable testId="mcp-table" height={400} rows={servers.data?.items ?? []} rowKey={(s) => s.id} selected={selected} onRowClick={(s) => setSelected(s.id)} columns={[
          { key: 'id', header: 'Server' },
          { key: 'transport', header: 'Transport', width: 110 },
          { key: 'status', header: 'Status', width: 120, render: (s) => <Badge value={s.status} /> },
          { key: 'tools', header: 'Tools', width: 70, render: (s) => String(s.tools?.length ?? 0) },
          { key: 'endpoint', header: 'Endpoint / command', render: (s) => s.endpoint ?? s.command ?? '-' },
        ]} />
        {server && (
          <div className="detail">
            <h2>{server.name ?? server.id}</h2>
            <div><Badge value={server.status} /> {server.statusReason}</div>
            <div className="card-title">Tools</div>
            <ul className="deps">{(server.tools ?? []).map((t) => <li key={t.name}><b>{t.name}</b> <span className="small">{t.description}</span></li>)}</ul>
          </div>
        )}
      </div>
    </div>
  );
}
