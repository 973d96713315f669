import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Topics, type Envelope } from '@hive/contracts';
import { createTestEnvironment, waitFor, type RunningProcess, type TestEnvironment } from '@hive/testing';
import { HiveKafkaClient } from './hive-client';
import { startService } from './services';

const TENANT = 'acme';

/** A local API that counts calls: raw requests per path, and side effects applied once per Idempotency-Key. */
class CountingServer {
  readonly requests = new Map<string, number>();
  readonly applied = new Map<string, Set<string>>();
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const path = req.url ?? '/';
      this.requests.set(path, (this.requests.get(path) ?? 0) + 1);
      const key = String(req.headers['idempotency-key'] ?? randomUUID());
      const keys = this.applied.get(path) ?? new Set<string>();
      keys.add(key);
      this.applied.set(path, keys);
      const delay = path.startsWith('/slow') ? 1_500 : 0;
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ path, effects: keys.size }));
      }, delay);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

const node = (name: string, type: string, parameters: Record<string, unknown>, x: number, extra: Record<string, unknown> = {}) =>
  ({ id: randomUUID(), name, type, typeVersion: type.endsWith('httpRequest') ? 4.2 : type.endsWith('set') ? 3.4 : type.endsWith('wait') ? 1.1 : type.endsWith('code') ? 2 : 1, position: [x, 0], parameters, ...extra });
const chain = (...names: string[]) => Object.fromEntries(names.slice(0, -1).map((n, i) => [n, { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] }]));

describe('workflow engine durability (engine as a process, SIGKILLed mid-execution)', () => {
  let env: TestEnvironment;
  let hive: HiveKafkaClient;
  let engine: RunningProcess | undefined;
  const api = new CountingServer();
  const startEngine = async () => {
    engine = await startService(env, 'workflow-engine', { WORKFLOW_CODE_TIMEOUT_MS: '300', WORKFLOW_HTTP_ALLOWED_HOSTS: '127.0.0.1' });
  };
  const executionEvents = async (executionId: string) =>
    (await hive.events(Topics.executionEvents.name)).filter((e) => (e.data as { executionId: string }).executionId === executionId) as Array<Envelope<string, Record<string, unknown>>>;
  const terminal = (executionId: string, timeoutMs = 60_000) => waitFor(async () => (await executionEvents(executionId))
    .find((e) => ['workflow.execution_completed', 'workflow.execution_failed', 'workflow.execution_cancelled'].includes(e.type)),
  { timeoutMs, intervalMs: 300, description: `execution ${executionId} to end` });
  const importWorkflow = async (workflowId: string, n8nData: Record<string, unknown>) => {
    const command = await hive.send(hive.envelope('ImportWorkflow', TENANT, { workflowId, name: workflowId, n8nData }), workflowId);
    expect(await hive.outcome(command)).toMatchObject({ type: 'command.accepted' });
  };
  const start = async (workflowId: string, input: Record<string, unknown> = {}) => {
    const executionId = `ex-${randomUUID()}`;
    const command = await hive.send(hive.envelope('StartExecution', TENANT, { executionId, workflowId, input }), executionId);
    expect(await hive.outcome(command)).toMatchObject({ type: 'command.accepted' });
    return executionId;
  };

  beforeAll(async () => {
    env = await createTestEnvironment();
    hive = new HiveKafkaClient(env);
    await hive.connect();
    await api.start();
    await startEngine();
  }, 120_000);

  afterAll(async () => {
    await engine?.kill('SIGTERM');
    await hive?.disconnect();
    await api.stop();
    await env?.cleanup();
  });

  it('finishes an execution killed during a wait and during an HTTP call, each side effect applied once', async () => {
    await importWorkflow('durable', {
      name: 'Durable', settings: { executionOrder: 'v1' }, pinData: {},
      nodes: [
        node('Start', 'n8n-nodes-base.manualTrigger', {}, 0),
        node('Charge', 'n8n-nodes-base.httpRequest', { method: 'POST', url: `${api.url}/charge`, sendBody: true, specifyBody: 'json', jsonBody: '={{ JSON.stringify({ order: $json.order }) }}', options: {} }, 200),
        node('Pause', 'n8n-nodes-base.wait', { amount: 3, unit: 'seconds' }, 400),
        node('Ship', 'n8n-nodes-base.httpRequest', { method: 'POST', url: `${api.url}/slow/ship`, options: {} }, 600),
        node('Done', 'n8n-nodes-base.set', { assignments: { assignments: [{ id: '1', name: 'shipped', value: '={{ $json.effects }}', type: 'number' }] }, options: {} }, 800),
      ],
      connections: chain('Start', 'Charge', 'Pause', 'Ship', 'Done'),
    });
    const executionId = await start('durable', { order: 'o-1' });

    // Kill 1: while the Wait node waits on its durable timer.
    await waitFor(async () => (await executionEvents(executionId)).some((e) => e.type === 'workflow.node_started' && e.data['nodeName'] === 'Pause'),
      { timeoutMs: 30_000, intervalMs: 100, description: 'the Wait node to start' });
    await engine?.kill('SIGKILL');
    await startEngine();

    // Kill 2: while the slow HTTP call is in flight (the server has the request, the engine has no response yet).
    await waitFor(() => (api.requests.get('/slow/ship') ?? 0) >= 1, { timeoutMs: 30_000, intervalMs: 20, description: 'the Ship request to arrive' });
    await engine?.kill('SIGKILL');
    await startEngine();

    const end = await terminal(executionId);
    expect(end.type).toBe('workflow.execution_completed');
    expect(end.data['output']).toEqual([{ shipped: 1 }]);
    // Charge completed before the first kill: never sent again. Ship was re-sent after the second kill under the same key: applied once.
    expect(api.requests.get('/charge')).toBe(1);
    expect(api.applied.get('/charge')?.size).toBe(1);
    expect(api.requests.get('/slow/ship')).toBe(2);
    expect(api.applied.get('/slow/ship')?.size).toBe(1);
    const events = await executionEvents(executionId);
    for (const name of ['Start', 'Charge', 'Pause', 'Ship', 'Done']) {
      expect({ name, completed: events.filter((e) => e.type === 'workflow.node_completed' && e.data['nodeName'] === name).length }).toEqual({ name, completed: 1 });
    }
  }, 120_000);

  it('stops an infinite loop in a Code node by its time limit, refuses sandbox escapes, and keeps running executions', async () => {
    await importWorkflow('spin', {
      nodes: [node('Start', 'n8n-nodes-base.manualTrigger', {}, 0), node('Spin', 'n8n-nodes-base.code', { jsCode: 'while (true) {}' }, 200)],
      connections: chain('Start', 'Spin'),
    });
    await importWorkflow('escape', {
      nodes: [node('Start', 'n8n-nodes-base.manualTrigger', {}, 0), node('Escape', 'n8n-nodes-base.code', { jsCode: "return [{ json: { pid: this.constructor.constructor('return process')().pid } }];" }, 200)],
      connections: chain('Start', 'Escape'),
    });
    await importWorkflow('fine', {
      nodes: [node('Start', 'n8n-nodes-base.manualTrigger', {}, 0), node('Double', 'n8n-nodes-base.code', { jsCode: 'return $input.all().map(i => ({ json: { n: i.json.n * 2 } }));' }, 200)],
      connections: chain('Start', 'Double'),
    });
    const spin = await terminal(await start('spin'));
    expect(spin.type).toBe('workflow.execution_failed');
    expect(String(spin.data['error'])).toMatch(/Code node: stopped after 300 ms \(time limit\)/);
    const escape = await terminal(await start('escape'));
    expect(escape.type).toBe('workflow.execution_failed');
    expect(String(escape.data['error'])).toMatch(/'process' is not defined: the sandbox has no access to the host/);
    const fine = await terminal(await start('fine', { n: 21 }));
    expect(fine.type).toBe('workflow.execution_completed');
    expect(fine.data['output']).toEqual([{ n: 42 }]);
  }, 60_000);
});
