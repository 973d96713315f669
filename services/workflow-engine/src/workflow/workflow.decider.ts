import { DomainError, type Decider } from '@hive/event-store';
import { parseN8nWorkflow } from '../n8n/parse-n8n-workflow';
import { NodeTypes } from '../n8n/node-types';
import { WorkflowImportError } from '../n8n/workflow-import.error';
import type { CompiledWorkflow } from '../n8n/compiled-workflow';
import type { WorkflowWebhookData } from '@hive/contracts';
import type { WorkflowCommand } from './workflow.commands';
import type { WorkflowEvent } from './workflow.events';

export interface WorkflowState {
  readonly exists: boolean;
  readonly latestVersion: number;
  /** The version triggers and new executions use; null when inactive. */
  readonly activeVersion: number | null;
  /** Per version: its self-starting triggers (absent: the version cannot be activated). */
  readonly triggers: ReadonlyMap<number, VersionTriggers | null>;
}

const initialState = (): WorkflowState => ({ exists: false, latestVersion: 0, activeVersion: null, triggers: new Map() });

export interface VersionTriggers {
  readonly webhooks: readonly WorkflowWebhookData[];
}

const selfStarting = new Set<string>([NodeTypes.webhook, NodeTypes.scheduleTrigger, NodeTypes.cron]);

/** Whether a version can be activated: n8n needs a trigger that fires without a person (webhook, schedule, cron). */
export const hasSelfStartingTrigger = (workflow: CompiledWorkflow): boolean =>
  workflow.triggers.some((name) => {
    const node = workflow.nodes.get(name);
    return node !== undefined && node.disabled !== true && selfStarting.has(node.type);
  });

function compile(n8nData: unknown): CompiledWorkflow {
  try {
    return parseN8nWorkflow(n8nData);
  } catch (error) {
    if (error instanceof WorkflowImportError) throw new DomainError('invalid', error.message, error.problems);
    throw error;
  }
}

/** Webhook triggers of a version, as the gateway serves them. */
export function webhooksOf(workflow: CompiledWorkflow): WorkflowWebhookData[] {
  return workflow.triggers.flatMap((name) => {
    const node = workflow.nodes.get(name);
    if (!node || node.disabled === true || node.type !== NodeTypes.webhook) return [];
    const p = node.parameters;
    const path = String(p['path'] ?? node.webhookId ?? name).replace(/^\/+/, '');
    return [{ path, httpMethod: String(p['httpMethod'] ?? 'GET').toUpperCase(), responseMode: String(p['responseMode'] ?? 'onReceived'), nodeName: name }];
  });
}

const triggersOf = (n8nData: unknown): VersionTriggers | null => {
  try {
    const compiled = parseN8nWorkflow(n8nData);
    return hasSelfStartingTrigger(compiled) ? { webhooks: webhooksOf(compiled) } : null;
  } catch {
    return null;
  }
};

const webhooksField = (triggers: VersionTriggers | null | undefined): { webhooks?: WorkflowWebhookData[] } =>
  triggers && triggers.webhooks.length > 0 ? { webhooks: [...triggers.webhooks] } : {};

function evolve(state: WorkflowState, event: WorkflowEvent): WorkflowState {
  switch (event.type) {
    case 'workflow.imported':
      return { exists: true, latestVersion: 1, activeVersion: null, triggers: new Map([[1, triggersOf(event.data.n8nData)]]) };
    case 'workflow.version_created':
      return { ...state, latestVersion: event.data.version, triggers: new Map([...state.triggers, [event.data.version, triggersOf(event.data.n8nData)]]) };
    case 'workflow.activated':
      return { ...state, activeVersion: event.data.version };
    case 'workflow.deactivated':
      return { ...state, activeVersion: null };
  }
}

function decide(command: WorkflowCommand, state: WorkflowState): readonly WorkflowEvent[] {
  switch (command.type) {
    case 'ImportWorkflow': {
      const { workflowId, name, description, n8nData, activate } = command.data;
      const compiled = compile(n8nData);
      const version = state.latestVersion + 1;
      // Saving an active workflow in n8n keeps it active on the new version.
      const activateNew = activate === true || state.activeVersion !== null;
      if (activateNew && !hasSelfStartingTrigger(compiled)) {
        throw new DomainError('invalid', `workflow "${workflowId}" cannot be active: it has no webhook, schedule or cron trigger`);
      }
      const described = description === undefined ? {} : { description };
      const created: WorkflowEvent = state.exists
        ? { type: 'workflow.version_created', data: { workflowId, version, previousVersion: state.latestVersion, name, ...described, n8nData } }
        : { type: 'workflow.imported', data: { workflowId, version: 1, name, ...described, n8nData, active: activateNew } };
      return activateNew ? [created, { type: 'workflow.activated', data: { workflowId, version, ...webhooksField({ webhooks: webhooksOf(compiled) }) } }] : [created];
    }
    case 'ActivateWorkflow': {
      const { workflowId } = command.data;
      if (!state.exists) throw new DomainError('not_found', `workflow "${workflowId}" does not exist`);
      const version = command.data.version ?? state.latestVersion;
      if (version > state.latestVersion) throw new DomainError('not_found', `workflow "${workflowId}" has no version ${version} (latest ${state.latestVersion})`);
      if (state.activeVersion === version) return [];
      const triggers = state.triggers.get(version);
      if (!triggers) {
        throw new DomainError('invalid', `workflow "${workflowId}" version ${version} cannot be active: it has no webhook, schedule or cron trigger`);
      }
      return [{ type: 'workflow.activated', data: { workflowId, version, ...webhooksField(triggers) } }];
    }
    case 'DeactivateWorkflow': {
      const { workflowId, reason } = command.data;
      if (!state.exists) throw new DomainError('not_found', `workflow "${workflowId}" does not exist`);
      if (state.activeVersion === null) return [];
      return [{ type: 'workflow.deactivated', data: { workflowId, ...(reason === undefined ? {} : { reason }) } }];
    }
  }
}

export const workflowDecider: Decider<WorkflowState, WorkflowCommand, WorkflowEvent> = { initialState, evolve, decide };
