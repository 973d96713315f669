import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Topics, type Envelope, type RegisterAgentData } from '@hive/contracts';
import { createTestEnvironment, waitFor, type RunningProcess, type TestEnvironment } from '@hive/testing';
import { HiveKafkaClient } from './hive-client';
import { startService, startSimulatedAgent } from './services';

const TENANT = 'acme';

/** A local API that fails the first call to /flaky and answers every other call with what it received. */
class FlakyServer {
  readonly calls = new Map<string, number>();
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const path = req.url ?? '/';
      const n = (this.calls.get(path) ?? 0) + 1;
      this.calls.set(path, n);
      const failing = path.startsWith('/flaky') && n === 1;
      res.writeHead(failing ? 503 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(failing ? { message: 'try again later' } : { path, call: n }));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

const versions: Record<string, number> = { httpRequest: 4.2, set: 3.4, wait: 1.1, code: 2, executeWorkflow: 1.1 };
const node = (name: string, type: string, parameters: Record<string, unknown>, x: number) =>
  ({ id: randomUUID(), name, type, typeVersion: versions[type.split('.')[1] ?? ''] ?? 1, position: [x, 0], parameters });
const chain = (...names: string[]) => Object.fromEntries(names.slice(0, -1).map((n, i) => [n, { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] }]));
const set = (name: string, field: string, value: string, x: number, type = 'string') =>
  node(name, 'n8n-nodes-base.set', { assignments: { assignments: [{ id: field, name: field, value, type }] }, includeOtherFields: true, options: {} }, x);
const terminalTypes = ['workflow.execution_completed', 'workflow.execution_failed', 'workflow.execution_cancelled'];

describe('workflow executions end to end (engine, coordinator, agent manager, a simulated agent)', () => {
  let env: TestEnvironment;
  let hive: HiveKafkaClient;
  const processes: RunningProcess[] = [];
  const api = new FlakyServer();

  const executionEvents = async (executionId: string) =>
    (await hive.events(Topics.executionEvents.name)).filter((e) => (e.data as { executionId: string }).executionId === executionId) as Array<Envelope<string, Record<string, unknown>>>;
  const terminal = (executionId: string, after = 0, timeoutMs = 60_000) => waitFor(async () => (await executionEvents(executionId))
    .filter((e) => terminalTypes.includes(e.type))[after],
  { timeoutMs, intervalMs: 300, description: `execution ${executionId} to end` });
  const send = async (type: string, key: string, data: Record<string, unknown>) => hive.outcome(await hive.send(hive.envelope(type, TENANT, data), key));
  const importWorkflow = async (workflowId: string, n8nData: Record<string, unknown>) => {
    expect(await send('ImportWorkflow', workflowId, { workflowId, name: workflowId, n8nData })).toMatchObject({ type: 'command.accepted' });
  };
  const start = async (workflowId: string, input: Record<string, unknown> = {}) => {
    const executionId = `ex-${randomUUID()}`;
    expect(await send('StartExecution', executionId, { executionId, workflowId, input })).toMatchObject({ type: 'command.accepted' });
    return executionId;
  };
  const started = (executionId: string, nodeName: string) => waitFor(async () => (await executionEvents(executionId))
    .some((e) => e.type === 'workflow.node_started' && e.data['nodeName'] === nodeName) || undefined,
  { timeoutMs: 30_000, intervalMs: 200, description: `${nodeName} to start in ${executionId}` });

  beforeAll(async () => {
    env = await createTestEnvironment();
    hive = new HiveKafkaClient(env);
    await hive.connect();
    await api.start();
    processes.push(
      await startService(env, 'agent-manager', { HEALTH_INTERVAL_MS: '1000' }),
      await startService(env, 'coordinator', { SCHEDULER_INTERVAL_MS: '200' }),
      await startService(env, 'workflow-engine', { WORKFLOW_HTTP_ALLOWED_HOSTS: '127.0.0.1' }),
    );
    const sim = await startSimulatedAgent('poplar', 'llama3.1:8b', { SIM_LATENCY_MS: '20', SIM_TOKENS_PER_SECOND: '0', SIM_RESPONSE_TOKENS: '6', SIM_MAX_CONCURRENT: '0' });
    processes.push(sim);
    expect(await send('RegisterAgent', 'poplar', {
      agentId: 'poplar', name: 'Poplar', endpoint: sim.url, model: 'llama3.1:8b', provider: 'ollama', capabilities: [{ name: 'summarize', proficiency: 0.9 }], maxConcurrent: 2,
    } satisfies RegisterAgentData)).toMatchObject({ type: 'command.accepted' });
  }, 240_000);

  afterAll(async () => {
    await hive?.disconnect();
    for (const running of processes.reverse()) await running.kill('SIGTERM');
    await api.stop();
    await env?.cleanup();
  });

  it('runs a Hive agent task node through the coordinator and an agent, and outputs the result', async () => {
    await importWorkflow('summarize', {
      name: 'Summarize', settings: { executionOrder: 'v1' },
      nodes: [
        node('Start', 'n8n-nodes-base.manualTrigger', {}, 0),
        node('Summarize', 'n8n-nodes-hive.agentTask', { prompt: '=Summarize: {{ $json.text }}', capabilities: 'summarize', timeoutMs: 30_000 }, 200),
        set('Wrap', 'summary', '={{ $json.result }}', 400),
      ],
      connections: chain('Start', 'Summarize', 'Wrap'),
    });
    const executionId = await start('summarize', { text: 'Hive runs n8n workflows durably.' });
    const end = await terminal(executionId);
    expect(end.type).toBe('workflow.execution_completed');
    const output = end.data['output'] as Array<{ summary: string; result: string }>;
    expect(output).toHaveLength(1);
    expect(output[0].summary.length).toBeGreaterThan(0);
    expect(output[0].summary).toBe(output[0].result);
    // The task the node created ran on the agent and is the one the node started with.
    const nodeStarted = (await executionEvents(executionId)).find((e) => e.type === 'workflow.node_started' && e.data['nodeName'] === 'Summarize');
    const taskId = String(nodeStarted?.data['taskId']);
    const task = await hive.taskEvents(new Set([taskId]));
    expect(task.map((e) => e.type)).toEqual(expect.arrayContaining(['task.created', 'task.assigned', 'task.completed']));
    expect(task.find((e) => e.type === 'task.completed')?.data).toMatchObject({ agentId: 'poplar', result: output[0].result });
  }, 90_000);

  it('cancels a running execution: its wait never resumes', async () => {
    await importWorkflow('long-wait', {
      nodes: [node('Start', 'n8n-nodes-base.manualTrigger', {}, 0), node('Pause', 'n8n-nodes-base.wait', { amount: 60, unit: 'seconds' }, 200), set('After', 'late', 'yes', 400)],
      connections: chain('Start', 'Pause', 'After'),
    });
    const executionId = await start('long-wait');
    await started(executionId, 'Pause');
    expect(await send('CancelExecution', executionId, { executionId, reason: 'no longer needed' })).toMatchObject({ type: 'command.accepted' });
    const end = await terminal(executionId);
    expect(end).toMatchObject({ type: 'workflow.execution_cancelled', data: { reason: 'no longer needed' } });
    expect((await executionEvents(executionId)).some((e) => e.data['nodeName'] === 'After')).toBe(false);
    // A cancelled execution is not running any more.
    expect(await send('CancelExecution', executionId, { executionId, reason: 'again' })).toMatchObject({ type: 'command.rejected', data: { code: 'conflict' } });
  }, 60_000);

  it('retries a failed execution from the failed node on the stored outputs of the nodes before it', async () => {
    await importWorkflow('flaky', {
      nodes: [
        node('Start', 'n8n-nodes-base.manualTrigger', {}, 0),
        node('Stamp', 'n8n-nodes-base.code', { jsCode: 'return [{ json: { stamp: Math.random() } }];' }, 200),
        node('Call', 'n8n-nodes-base.httpRequest', { method: 'GET', url: `=${api.url}/flaky/{{ $execution.id }}`, options: {} }, 400),
        set('Keep', 'stamp', "={{ $('Stamp').item.json.stamp }}", 600, 'number'),
      ],
      connections: chain('Start', 'Stamp', 'Call', 'Keep'),
    });
    const executionId = await start('flaky');
    const failed = await terminal(executionId);
    expect(failed).toMatchObject({ type: 'workflow.execution_failed', data: { failedNode: 'Call' } });
    const stamp = ((await executionEvents(executionId)).find((e) => e.type === 'workflow.node_completed' && e.data['nodeName'] === 'Stamp')
      ?.data['outputs'] as Array<{ items: Array<{ json: { stamp: number } }> }>)[0].items[0].json.stamp;

    expect(await send('RetryExecution', executionId, { executionId, fromNode: 'Call' })).toMatchObject({ type: 'command.accepted' });
    const end = await terminal(executionId, 1);
    expect(end.type).toBe('workflow.execution_completed');
    // Stamp did not run again: Keep reads its stored output.
    expect(end.data['output']).toEqual([expect.objectContaining({ stamp, call: 2 })]);
    const events = await executionEvents(executionId);
    expect(events.filter((e) => e.type === 'workflow.node_completed' && e.data['nodeName'] === 'Stamp')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'workflow.execution_started').map((e) => e.data['attempt'])).toEqual([1, 2]);
    expect(api.calls.get(`/flaky/${executionId}`)).toBe(2);
  }, 60_000);

  it('starts the errorWorkflow with the failed execution when an execution fails', async () => {
    await importWorkflow('on-error', {
      nodes: [node('Error Trigger', 'n8n-nodes-base.errorTrigger', {}, 0), set('Report', 'report', '={{ $json.workflow.id }} failed at {{ $json.execution.lastNodeExecuted }}: {{ $json.execution.error.message }}', 200)],
      connections: chain('Error Trigger', 'Report'),
    });
    await importWorkflow('breaks', {
      settings: { executionOrder: 'v1', errorWorkflow: 'on-error' },
      nodes: [node('Start', 'n8n-nodes-base.manualTrigger', {}, 0), node('Break', 'n8n-nodes-base.stopAndError', { errorMessage: 'stock is negative' }, 200)],
      connections: chain('Start', 'Break'),
    });
    const executionId = await start('breaks');
    expect((await terminal(executionId)).type).toBe('workflow.execution_failed');
    const handled = await waitFor(async () => (await hive.events(Topics.executionEvents.name))
      .find((e) => e.type === 'workflow.execution_completed' && (e.data as { workflowId: string }).workflowId === 'on-error') as Envelope<string, Record<string, unknown>> | undefined,
    { timeoutMs: 30_000, intervalMs: 300, description: 'the error workflow to complete' });
    expect(handled.data['output']).toEqual([expect.objectContaining({ report: 'breaks failed at Break: Break: stock is negative', execution: expect.objectContaining({ id: executionId }) })]);
  }, 60_000);

  it('runs sub-workflows with Execute Workflow and outputs what they output; a failing one fails the node', async () => {
    const call = (name: string, workflowId: string, x: number, mode = 'once') =>
      node(name, 'n8n-nodes-base.executeWorkflow', { source: 'database', workflowId: { __rl: true, value: workflowId, mode: 'list', cachedResultName: workflowId }, mode, options: {} }, x);
    // A child the runner runs (Code node), one that ends inside its start command (Set only), and one that fails.
    await importWorkflow('double', {
      nodes: [node('Called', 'n8n-nodes-base.executeWorkflowTrigger', {}, 0), node('Double', 'n8n-nodes-base.code', { jsCode: 'return $input.all().map(i => ({ json: { n: i.json.n * 2 } }));' }, 200)],
      connections: chain('Called', 'Double'),
    });
    await importWorkflow('label', {
      nodes: [node('Called', 'n8n-nodes-base.executeWorkflowTrigger', {}, 0), set('Label', 'label', '=n is {{ $json.n }}', 200)],
      connections: chain('Called', 'Label'),
    });
    await importWorkflow('refuse', {
      nodes: [node('Called', 'n8n-nodes-base.executeWorkflowTrigger', {}, 0), node('No', 'n8n-nodes-base.stopAndError', { errorMessage: 'not today' }, 200)],
      connections: chain('Called', 'No'),
    });
    await importWorkflow('parent', {
      nodes: [node('Start', 'n8n-nodes-base.manualTrigger', {}, 0), node('Split', 'n8n-nodes-base.code', { jsCode: 'return $input.first().json.ns.map(n => ({ json: { n } }));' }, 200), call('Double them', 'double', 400), call('Label each', 'label', 600, 'each')],
      connections: chain('Start', 'Split', 'Double them', 'Label each'),
    });
    await importWorkflow('parent-of-failure', {
      nodes: [node('Start', 'n8n-nodes-base.manualTrigger', {}, 0), call('Ask', 'refuse', 200)],
      connections: chain('Start', 'Ask'),
    });
    const end = await terminal(await start('parent', { ns: [3, 4] }));
    expect(end.type).toBe('workflow.execution_completed');
    expect(end.data['output']).toEqual([{ n: 6, label: 'n is 6' }, { n: 8, label: 'n is 8' }]);
    const failed = await terminal(await start('parent-of-failure'));
    expect(failed).toMatchObject({ type: 'workflow.execution_failed', data: { failedNode: 'Ask', error: 'Ask: sub-workflow refuse failed: No: not today' } });
  }, 60_000);

  it('fails an execution that runs past settings.executionTimeout, even while it waits', async () => {
    await importWorkflow('too-slow', {
      settings: { executionOrder: 'v1', executionTimeout: 2 },
      nodes: [node('Start', 'n8n-nodes-base.manualTrigger', {}, 0), node('Pause', 'n8n-nodes-base.wait', { amount: 60, unit: 'seconds' }, 200), set('After', 'late', 'yes', 400)],
      connections: chain('Start', 'Pause', 'After'),
    });
    const startedAt = Date.now();
    const executionId = await start('too-slow');
    const end = await terminal(executionId, 0, 30_000);
    expect(end).toMatchObject({ type: 'workflow.execution_failed', data: { error: 'execution timed out after 2 s (settings.executionTimeout)' } });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(2_000);
    expect(Date.now() - startedAt).toBeLessThan(30_000);
  }, 60_000);
});
