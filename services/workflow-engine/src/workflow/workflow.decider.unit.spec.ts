import { DomainError, fold } from '@hive/event-store';
import type { ImportWorkflowData, JsonObject } from '@hive/contracts';
import type { WorkflowCommand } from './workflow.commands';
import { workflowDecider } from './workflow.decider';
import type { WorkflowEvent } from './workflow.events';

const webhookFlow = {
  nodes: [
    { id: '1', name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], parameters: { httpMethod: 'POST', path: 'orders', responseMode: 'lastNode' } },
    { id: '2', name: 'Done', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [200, 0], parameters: {} },
  ],
  connections: { Webhook: { main: [[{ node: 'Done', type: 'main', index: 0 }]] } },
};
const manualFlow = { nodes: [{ id: '1', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} }], connections: {} };

const importData = (overrides: Partial<ImportWorkflowData> = {}): ImportWorkflowData =>
  ({ workflowId: 'wf1', name: 'Orders', n8nData: webhookFlow, ...overrides });
const imported = (n8nData: JsonObject = webhookFlow, active = false): WorkflowEvent =>
  ({ type: 'workflow.imported', data: { workflowId: 'wf1', name: 'Orders', version: 1, n8nData, active } });
const versionCreated = (version: number, n8nData: JsonObject = webhookFlow): WorkflowEvent =>
  ({ type: 'workflow.version_created', data: { workflowId: 'wf1', version, previousVersion: version - 1, name: 'Orders', n8nData } });
const webhooks = [{ path: 'orders', httpMethod: 'POST', responseMode: 'lastNode', nodeName: 'Webhook' }];
const activated = (version: number, withWebhooks = true): WorkflowEvent => ({ type: 'workflow.activated', data: { workflowId: 'wf1', version, ...(withWebhooks ? { webhooks } : {}) } });
const deactivated: WorkflowEvent = { type: 'workflow.deactivated', data: { workflowId: 'wf1' } };

const given = (events: WorkflowEvent[]) => ({
  when: (command: WorkflowCommand) => {
    const run = () => workflowDecider.decide(command, fold(workflowDecider, events));
    return {
      then: (expected: WorkflowEvent[]) => expect(run()).toEqual(expected),
      thenRejects: (code: string, message?: RegExp) => {
        let error: unknown;
        try {
          run();
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(DomainError);
        expect((error as DomainError).code).toBe(code);
        if (message) expect((error as DomainError).message).toMatch(message);
        return error as DomainError;
      },
    };
  },
});

describe('Workflow decider', () => {
  it('imports a new workflow as version 1', () => {
    given([]).when({ type: 'ImportWorkflow', data: importData() }).then([imported()]);
  });

  it('imports and activates at once, announcing the webhook to the gateway', () => {
    given([]).when({ type: 'ImportWorkflow', data: importData({ activate: true }) }).then([imported(webhookFlow, true), activated(1)]);
  });

  it('every later import is a new version', () => {
    given([imported(), versionCreated(2)]).when({ type: 'ImportWorkflow', data: importData() }).then([versionCreated(3)]);
  });

  it('a new version of an active workflow becomes the active one', () => {
    given([imported(), activated(1)]).when({ type: 'ImportWorkflow', data: importData() }).then([versionCreated(2), activated(2)]);
  });

  it('rejects invalid n8n JSON with every problem in the details', () => {
    const error = given([]).when({ type: 'ImportWorkflow', data: importData({ n8nData: { nodes: [{ name: 'S', type: 'n8n-nodes-base.slack' }, { name: 'S', type: 'x' }], connections: {} } }) })
      .thenRejects('invalid');
    expect(error.details).toEqual(['duplicate node name "S"', 'unsupported node types: "S" (n8n-nodes-base.slack)']);
  });

  it('activates the latest version, or a chosen one, once', () => {
    given([imported(), versionCreated(2)]).when({ type: 'ActivateWorkflow', data: { workflowId: 'wf1' } }).then([activated(2)]);
    given([imported(), versionCreated(2)]).when({ type: 'ActivateWorkflow', data: { workflowId: 'wf1', version: 1 } }).then([activated(1)]);
    given([imported(), activated(1)]).when({ type: 'ActivateWorkflow', data: { workflowId: 'wf1' } }).then([]);
  });

  it('refuses to activate what does not exist, a missing version, or a workflow without a self-starting trigger', () => {
    given([]).when({ type: 'ActivateWorkflow', data: { workflowId: 'wf1' } }).thenRejects('not_found');
    given([imported()]).when({ type: 'ActivateWorkflow', data: { workflowId: 'wf1', version: 2 } }).thenRejects('not_found', /no version 2/);
    given([imported(manualFlow)]).when({ type: 'ActivateWorkflow', data: { workflowId: 'wf1' } }).thenRejects('invalid', /no webhook, schedule or cron trigger/);
    given([]).when({ type: 'ImportWorkflow', data: importData({ n8nData: manualFlow, activate: true }) }).thenRejects('invalid');
  });

  it('deactivates an active workflow; deactivating an inactive one changes nothing', () => {
    given([imported(), activated(1)]).when({ type: 'DeactivateWorkflow', data: { workflowId: 'wf1' } }).then([deactivated]);
    given([imported(), activated(1), deactivated]).when({ type: 'DeactivateWorkflow', data: { workflowId: 'wf1' } }).then([]);
    given([]).when({ type: 'DeactivateWorkflow', data: { workflowId: 'wf1' } }).thenRejects('not_found');
  });
});
