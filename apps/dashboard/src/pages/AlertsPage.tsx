import { useState } from 'react';
import type { Page } from '../api';
import { useLive, useResource } from '../app-context';
import { Badge, ErrorLine, VirtualTable } from '../components';

interface Alert {
  id: string;
  rule: string;
  severity: string;
  value: number;
  subject: string | null;
  message: string;
  state: string;
  firedAt: string;
  resolvedAt: string | null;
}

export function AlertsPage() {
  const [state, setState] = useState('');
  const alerts = useResource<Page<Alert>>(`/api/alerts?limit=200${state ? `&state=${state}` : ''}`, 15_000);
  useLive(['alerts.info', 'alerts.warning', 'alerts.critical'], () => alerts.reload());
  return (
    <div>
      <h1>Alerts</h1>
      <ErrorLine error={alerts.error} />
      <div className="toolbar">
        <label>State <select aria-label="alert state" value={state} onChange={(e) => setState(e.target.value)}><option value="">any</option><option value="firing">firing</option><option value="resolved">resolved</option></select></label>
      </div>
      <VirtualTable testId="alerts-table" rows={alerts.data?.items ?? []} rowKey={(a) => a.id} columns={[
        { key: 'severity', header: 'Severity', width: 100, render: (a) => <Badge value={a.severity} /> },
        { key: 'state', header: 'State', width: 100, render: (a) => <Badge value={a.state} /> },
        { key: 'rule', header: 'Rule', width: 180 },
        { key: 'subject', header: 'Subject', width: 160 },
        { key: 'message', header: 'Message' },
        { key: 'firedAt', header: 'Fired', width: 180, render: (a) => new Date(a.firedAt).toLocaleString() },
      ]} />
    </div>
  );
}
