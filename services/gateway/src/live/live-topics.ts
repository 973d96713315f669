import { SHARED_AGENT_TENANT, type Envelope } from '@hive/contracts';
import { grants, type Permission } from '../auth/permissions';
import type { Principal } from '../auth/principal';
import { subjectOfCorrelation } from '../commands/command-bus';

/** The Hive document's WebSocket subscription topics. */
const TOPIC = /^(agent\.[a-z0-9][a-z0-9_-]{0,62}|execution\.[A-Za-z0-9_.:-]{1,128}|cluster\.status|alerts\.(info|warning|critical)|user\.[^\s|]{1,128})$/;

const CLUSTER_EVENTS = new Set(['agent.registered', 'agent.deregistered', 'agent.status_changed', 'system.maintenance', 'metrics.cluster_snapshot']);
/** The tenant of the performance monitor's platform-wide snapshots. */
const PLATFORM_TENANT = 'system';

/** Why a principal may not subscribe to a topic, or undefined when it may. */
export function subscriptionRefusal(principal: Principal, topic: string): string | undefined {
  if (!TOPIC.test(topic)) return 'unknown topic: use agent.{id}, execution.{id}, cluster.status, alerts.{info|warning|critical} or user.{id}';
  const needs = (permission: Permission) => (grants(principal.grants, permission) ? undefined : `this topic needs the ${permission} permission`);
  if (topic.startsWith('agent.')) return needs('agents.view');
  if (topic.startsWith('execution.')) return needs('executions.view');
  if (topic === 'cluster.status') return needs('status.view');
  if (topic.startsWith('alerts.')) return needs('alerts.view');
  return topic === `user.${principal.subject}` ? undefined : 'a user topic is only open to its own user';
}

/** The WebSocket topics an event belongs to. */
export function topicsOf(envelope: Envelope): string[] {
  const data = envelope.data as Record<string, unknown>;
  const topics: string[] = [];
  const type = envelope.type;
  if (type.startsWith('agent.') && typeof data['agentId'] === 'string') topics.push(`agent.${data['agentId']}`);
  if (type.startsWith('workflow.') && typeof data['executionId'] === 'string') topics.push(`execution.${data['executionId']}`);
  if ((type === 'system.alert' || type === 'system.alert_resolved') && typeof data['severity'] === 'string') topics.push(`alerts.${data['severity']}`);
  if (CLUSTER_EVENTS.has(type)) topics.push('cluster.status');
  const subject = subjectOfCorrelation(envelope.correlationId);
  if (subject) topics.push(`user.${subject}`);
  return topics;
}

/**
 * Whether a subscriber of a tenant may receive an event: its own tenant's, the shared agents' agent and
 * cluster events, and the monitor's platform-wide cluster snapshot (services and platform alerts, no tenant data).
 */
export const visibleTo = (tenant: string, envelope: Envelope, topic: string): boolean =>
  envelope.tenant === tenant || (envelope.tenant === SHARED_AGENT_TENANT && (topic.startsWith('agent.') || topic === 'cluster.status'))
  || (envelope.tenant === PLATFORM_TENANT && envelope.type === 'metrics.cluster_snapshot' && topic === 'cluster.status');
