import { randomUUID } from 'node:crypto';
import { createTestEnvironment, waitFor, type RunningProcess, type TestEnvironment } from '@hive/testing';
import { call, startGatewayProcess, token, type ApiResponse, type CallOptions, type GatewayProcess } from './gateway/gateway-client';
import { HiveKafkaClient } from './hive-client';
import { startService } from './services';

const versions: Record<string, number> = { webhook: 2, set: 3.4, if: 2.2, wait: 1.1, respondToWebhook: 1.1, stopAndError: 1 };
const node = (name: string, type: string, parameters: Record<string, unknown>, x: number, y = 0) =>
  ({ id: randomUUID(), name, type: `n8n-nodes-base.${type}`, typeVersion: versions[type] ?? 1, position: [x, y], parameters });
const set = (name: string, field: string, value: string, x: number, y = 0, type = 'string') =>
  node(name, 'set', { assignments: { assignments: [{ id: field, name: field, value, type }] }, includeOtherFields: true, options: {} }, x, y);
const webhook = (path: string, responseMode: string, httpMethod = 'POST') => node('Webhook', 'webhook', { httpMethod, path, responseMode, options: {} }, 0);
const chain = (...names: string[]) => Object.fromEntries(names.slice(0, -1).map((n, i) => [n, { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] }]));

/** webhook -> set -> if -> set, as the benchmark runs it. */
const triage = (path: string, responseMode: string) => ({
  name: 'Order triage', settings: { executionOrder: 'v1' },
  nodes: [
    webhook(path, responseMode),
    set('Normalize', 'amount', '={{ $json.body.amount }}', 200, 0, 'number'),
    node('Big order?', 'if', { conditions: { options: { caseSensitive: true, leftValue: '', typeValidation: 'strict' }, combinator: 'and',
      conditions: [{ id: 'big', leftValue: '={{ $json.amount }}', rightValue: 100, operator: { type: 'number', operation: 'gt' } }] }, options: {} }, 400),
    set('Priority', 'priority', 'high', 600, -100),
    set('Standard', 'priority', 'normal', 600, 100),
  ],
  connections: { ...chain('Webhook', 'Normalize', 'Big order?'), 'Big order?': { main: [[{ node: 'Priority', type: 'main', index: 0 }], [{ node: 'Standard', type: 'main', index: 0 }]] } },
});

describe('/webhook/{path} through the gateway and the workflow engine', () => {
  let env: TestEnvironment;
  let gateway: GatewayProcess;
  let hive: HiveKafkaClient;
  const processes: RunningProcess[] = [];
  const developer = token('developer', 'acme');
  const viewer = token('viewer', 'acme');
  const globex = token('developer', 'globex');

  const api = <T = Record<string, unknown>>(method: string, path: string, options: CallOptions = {}): Promise<ApiResponse<T>> => call<T>(gateway.url, method, path, options);
  const importActive = async (id: string, n8nData: object, tenantToken = developer) => {
    const imported = await api('POST', '/api/workflows', { token: tenantToken, body: { id, name: id, n8nData, activate: true } });
    expect(imported).toMatchObject({ status: 201, body: { id } });
    await waitFor(async () => ((await api('GET', `/api/workflows/${id}`, { token: tenantToken })).body['active'] === true) || undefined,
      { timeoutMs: 20_000, intervalMs: 100, description: `${id} to be active` });
  };
  /** Calls a webhook until the gateway's webhooks read model has it (or its removal), i.e. until the status is not `not`. */
  const served = (method: string, path: string, options: CallOptions, not = 404) => waitFor(async () => {
    const response = await api(method, path, options);
    return response.status !== not ? response : undefined;
  }, { timeoutMs: 20_000, intervalMs: 100, description: `${method} ${path} to answer other than ${not}` });

  beforeAll(async () => {
    env = await createTestEnvironment();
    hive = new HiveKafkaClient(env);
    await hive.connect();
    processes.push(await startService(env, 'workflow-engine'));
    gateway = await startGatewayProcess(env, { COMMAND_TIMEOUT_MS: '15000', WEBHOOK_RESPONSE_TIMEOUT_MS: '1500' });
    processes.push(gateway);
    await importActive('triage', triage('orders', 'lastNode'));
  }, 120_000);

  afterAll(async () => {
    await hive?.disconnect();
    for (const running of processes) await running.kill('SIGTERM');
    await env?.cleanup();
  });

  it('lastNode: answers with the last node\'s first item; the trigger item is n8n\'s { headers, params, query, body } without credentials', async () => {
    const big = await served('POST', '/webhook/orders?ref=r-1', { token: developer, body: { amount: 250 }, headers: { 'x-shop': 'north' } });
    expect(big.status).toBe(200);
    // Counted per credential like the API's limited routes (WEBHOOK_RATE_LIMIT per RATE_LIMIT_WINDOW_MS).
    expect(big.headers.get('ratelimit-limit')).toBe('6000');
    expect(big.body).toMatchObject({ amount: 250, priority: 'high', body: { amount: 250 }, query: { ref: 'r-1' }, params: {}, headers: { 'x-shop': 'north' } });
    expect((big.body['headers'] as Record<string, string>)['authorization']).toBeUndefined();
    const executionId = big.headers.get('x-hive-execution-id');
    expect(executionId).toBeTruthy();
    const small = await api('POST', '/webhook/orders', { token: developer, body: { amount: 20 } });
    expect(small).toMatchObject({ status: 200, body: { amount: 20, priority: 'normal' } });
    // The execution is an ordinary one: listed and readable through the API.
    const execution = await waitFor(async () => {
      const read = await api('GET', `/api/executions/${String(executionId)}`, { token: viewer });
      return read.body['status'] === 'completed' ? read : undefined;
    }, { timeoutMs: 10_000, intervalMs: 100, description: 'the webhook execution in the read model' });
    expect(execution.body).toMatchObject({ workflowId: 'triage' });
    // Each node keeps what it produced: the IF node sent the big order to its true output (0) only.
    const nodes = execution.body['nodes'] as Record<string, { outputs?: Array<{ output: number; items: Array<{ json: Record<string, unknown> }> }> }>;
    expect(nodes['Normalize']?.outputs?.[0]?.items[0]?.json).toMatchObject({ amount: 250 });
    expect(nodes['Big order?']?.outputs?.find((o) => o.output === 0)?.items).toHaveLength(1);
    expect(nodes['Big order?']?.outputs?.find((o) => o.output === 1)?.items ?? []).toHaveLength(0);
  });

  it('onReceived: 200 {"message":"Workflow was started"} once the engine accepted the start; the execution then completes', async () => {
    await importActive('triage-async', triage('orders-async', 'onReceived'));
    const response = await served('POST', '/webhook/orders-async', { token: developer, body: { amount: 500 } });
    expect(response).toMatchObject({ status: 200, body: { message: 'Workflow was started' } });
    const executionId = String(response.headers.get('x-hive-execution-id'));
    await waitFor(async () => ((await api('GET', `/api/executions/${executionId}`, { token: developer })).body['status'] === 'completed') || undefined,
      { timeoutMs: 15_000, intervalMs: 100, description: 'the onReceived execution to complete' });
  });

  it('responseNode: answers with the Respond to Webhook node\'s status, headers and body', async () => {
    await importActive('reply', {
      name: 'Reply', settings: { executionOrder: 'v1' },
      nodes: [webhook('orders-reply', 'responseNode'), set('Normalize', 'amount', '={{ $json.body.amount }}', 200, 0, 'number'),
        node('Respond', 'respondToWebhook', { respondWith: 'json', responseBody: '={{ { accepted: true, amount: $json.amount } }}',
          options: { responseCode: 202, responseHeaders: { entries: [{ name: 'x-order-amount', value: '={{ $json.amount }}' }] } } }, 400),
        set('After', 'after', 'yes', 600)],
      connections: chain('Webhook', 'Normalize', 'Respond', 'After'),
    });
    const response = await served('POST', '/webhook/orders-reply', { token: developer, body: { amount: 7 } });
    expect(response.status).toBe(202);
    expect(response.headers.get('x-order-amount')).toBe('7');
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    expect(response.body).toEqual({ accepted: true, amount: 7 });
  });

  it('a failed execution is a 500 problem+json with the node\'s error', async () => {
    await importActive('broken', {
      name: 'Broken', settings: { executionOrder: 'v1' },
      nodes: [webhook('broken', 'lastNode'), node('Stop', 'stopAndError', { errorMessage: 'out of stock' }, 200)],
      connections: chain('Webhook', 'Stop'),
    });
    const response = await served('POST', '/webhook/broken', { token: developer, body: {} });
    expect(response.status).toBe(500);
    expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(response.body).toMatchObject({ status: 500, detail: 'Stop: out of stock' });
  });

  it('a 504 when the answer takes longer than the bound; a retry with the same Idempotency-Key waits for the same execution', async () => {
    await importActive('slow', {
      name: 'Slow', settings: { executionOrder: 'v1' },
      nodes: [webhook('slow', 'lastNode'), node('Wait', 'wait', { resume: 'timeInterval', amount: 3, unit: 'seconds' }, 200), set('Done', 'done', 'yes', 400)],
      connections: chain('Webhook', 'Wait', 'Done'),
    });
    const headers = { 'idempotency-key': `slow-${randomUUID()}` };
    const first = await served('POST', '/webhook/slow', { token: developer, body: { n: 1 }, headers });
    expect(first.status).toBe(504);
    expect(first.headers.get('retry-after')).toBe('1');
    const executionId = first.headers.get('x-hive-execution-id');
    const retried = await waitFor(async () => {
      const again = await api('POST', '/webhook/slow', { token: developer, body: { n: 1 }, headers });
      return again.status === 200 ? again : undefined;
    }, { timeoutMs: 20_000, intervalMs: 500, description: 'the retry to get the answer' });
    expect(retried.headers.get('x-hive-execution-id')).toBe(executionId);
    expect(retried.body).toMatchObject({ done: 'yes', body: { n: 1 } });
    const list = await api<{ items: Array<{ id: string }> }>('GET', '/api/executions?workflowId=slow', { token: developer });
    expect(list.body.items.map((e) => e.id)).toEqual([executionId]);
  });

  it('refuses callers without credentials or without executions.start; unknown paths and methods are 404 problem+json', async () => {
    expect(await api('POST', '/webhook/orders', { body: { amount: 1 } })).toMatchObject({ status: 401, body: { code: 'unauthenticated' } });
    expect(await api('POST', '/webhook/orders', { token: viewer, body: { amount: 1 } })).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    const unknown = await api('POST', '/webhook/no-such-hook', { token: developer, body: {} });
    expect(unknown).toMatchObject({ status: 404, body: { code: 'not_found', detail: 'The requested webhook "POST no-such-hook" is not registered.' } });
    expect(unknown.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const wrongMethod = await api('GET', '/webhook/orders', { token: developer });
    expect(wrongMethod).toMatchObject({ status: 404, body: { detail: expect.stringMatching(/not registered for GET requests.*POST/) } });
  });

  it('counts calls per credential: over WEBHOOK_RATE_LIMIT is a 429 with Retry-After, before anything starts', async () => {
    const limited = await startGatewayProcess(env, { WEBHOOK_RATE_LIMIT: '2' });
    processes.push(limited);
    const caller = token('developer', 'acme', `limited-${randomUUID()}`);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(limited.url, 'POST', '/webhook/no-such-hook', { token: caller, body: {} })).status);
    expect(statuses).toEqual([404, 404, 429]);
    const refused = await call(limited.url, 'POST', '/webhook/orders', { token: caller, body: { amount: 1 } });
    expect(refused).toMatchObject({ status: 429, body: { code: 'rate_limited' } });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    await limited.kill('SIGTERM');
  });

  it('keeps tenants apart: another tenant\'s path is unknown, and it may use the same path for its own workflow', async () => {
    const foreign = await api('POST', '/webhook/orders', { token: globex, body: { amount: 250 } });
    expect(foreign.status).toBe(404);
    expect(JSON.stringify(foreign.body)).not.toMatch(/acme|triage/);
    await importActive('globex-orders', {
      name: 'Globex', settings: { executionOrder: 'v1' }, nodes: [webhook('orders', 'lastNode'), set('Mark', 'tenant', 'globex', 200)], connections: chain('Webhook', 'Mark'),
    }, globex);
    expect(await served('POST', '/webhook/orders', { token: globex, body: { amount: 1 } })).toMatchObject({ status: 200, body: { tenant: 'globex' } });
    expect(await api('POST', '/webhook/orders', { token: developer, body: { amount: 1 } })).toMatchObject({ status: 200, body: { priority: 'normal' } });
  });

  it('a second active workflow on the same method and path is a 409 until one is deactivated; a deactivated workflow is no longer served', async () => {
    await importActive('dup', triage('dup', 'lastNode'));
    expect(await served('POST', '/webhook/dup', { token: developer, body: { amount: 1 } })).toMatchObject({ status: 200 });
    await importActive('dup-2', triage('dup', 'lastNode'));
    expect(await served('POST', '/webhook/dup', { token: developer, body: { amount: 1 } }, 200)).toMatchObject({ status: 409, body: { code: 'conflict' } });
    const deactivate = async (workflowId: string) =>
      expect(await api('POST', `/api/workflows/${workflowId}/deactivate`, { token: developer, body: { reason: 'duplicate path' } })).toMatchObject({ status: 200, body: { active: false } });
    await deactivate('dup-2');
    expect(await served('POST', '/webhook/dup', { token: developer, body: { amount: 1 } }, 409)).toMatchObject({ status: 200 });
    await deactivate('dup');
    expect(await served('POST', '/webhook/dup', { token: developer, body: { amount: 1 } }, 200)).toMatchObject({ status: 404 });
  });
});
