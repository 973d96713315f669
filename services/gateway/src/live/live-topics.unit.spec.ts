import type { Envelope } from '@hive/contracts';
import { effectiveGrants } from '../auth/permissions';
import type { Principal } from '../auth/principal';
import { subscriptionRefusal, topicsOf, visibleTo } from './live-topics';

const principal = (role: 'admin' | 'developer' | 'viewer', subject = 'ada'): Principal => ({
  subject, tenant: 'acme', roles: [role], grants: effectiveGrants([role]), rateRole: role, via: 'jwt',
});

const envelope = (type: string, data: object, tenant = 'acme', correlationId = 'c-1'): Envelope => ({
  id: '6f1c2b9e-1d2c-4a4b-9d7e-0c1d2e3f4a5b', type, version: 1, source: 'test', tenant, occurredAt: '2026-01-01T00:00:00Z', correlationId, causationId: null, data,
});

describe('WebSocket topics', () => {
  it('routes events to the Hive document topics', () => {
    expect(topicsOf(envelope('agent.status_changed', { agentId: 'acacia', from: 'offline', to: 'online', reason: 'ok' }))).toEqual(['agent.acacia', 'cluster.status']);
    expect(topicsOf(envelope('workflow.node_completed', { executionId: 'e-1', workflowId: 'w-1' }))).toEqual(['execution.e-1']);
    expect(topicsOf(envelope('system.alert', { severity: 'critical' }))).toEqual(['alerts.critical']);
    expect(topicsOf(envelope('task.completed', { taskId: 't-1' }, 'acme', 'ada|6f1c2b9e'))).toEqual(['user.ada']);
  });

  it('lets a role subscribe only where it may read', () => {
    expect(subscriptionRefusal(principal('viewer'), 'agent.acacia')).toBeUndefined();
    expect(subscriptionRefusal(principal('viewer'), 'alerts.critical')).toBeUndefined();
    expect(subscriptionRefusal(principal('viewer'), 'user.ada')).toBeUndefined();
    expect(subscriptionRefusal(principal('viewer'), 'user.bob')).toMatch(/own user/);
    expect(subscriptionRefusal(principal('admin'), 'task.t-1')).toMatch(/unknown topic/);
    expect(subscriptionRefusal({ ...principal('viewer'), grants: effectiveGrants([], ['workflows.view']) }, 'agent.acacia')).toMatch(/agents.view/);
  });

  it('never shows one tenant another tenant\'s events, except the shared agents', () => {
    expect(visibleTo('acme', envelope('system.alert', {}, 'globex'), 'alerts.critical')).toBe(false);
    expect(visibleTo('acme', envelope('agent.status_changed', {}, 'hive'), 'agent.acacia')).toBe(true);
    expect(visibleTo('acme', envelope('workflow.node_completed', {}, 'hive'), 'execution.e-1')).toBe(false);
  });

  it('pushes the monitor\'s platform cluster snapshot to cluster.status for every tenant, and nothing else of the platform tenant', () => {
    const snapshot = envelope('metrics.cluster_snapshot', { at: '2026-01-01T00:00:00Z' }, 'system');
    expect(topicsOf(snapshot)).toEqual(['cluster.status']);
    expect(visibleTo('acme', snapshot, 'cluster.status')).toBe(true);
    expect(visibleTo('globex', snapshot, 'cluster.status')).toBe(true);
    expect(visibleTo('acme', envelope('metrics.performance_snapshot', { at: '2026-01-01T00:00:00Z', tenant: 'globex' }, 'system'), 'cluster.status')).toBe(false);
  });
});
