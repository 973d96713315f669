import { createTestEnvironment, type RunningProcess, type TestEnvironment } from '@hive/testing';
import { call, startGatewayProcess, TEST_JWT_SECRET, token, type GatewayProcess } from './gateway/gateway-client';
import { startService } from './services';

const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'e2e', version: '1' } } };
const MCP_HEADERS = { accept: 'application/json, text/event-stream' };

/** Hive's MCP server reached through the gateway (POST /mcp proxied to the MCP bridge, ADR 0006). */
describe('gateway /mcp proxy', () => {
  let env: TestEnvironment;
  let gateway: GatewayProcess;
  const processes: RunningProcess[] = [];

  beforeAll(async () => {
    env = await createTestEnvironment();
    const bridge = await startService(env, 'mcp-bridge', { HIVE_JWT_SECRET: TEST_JWT_SECRET });
    processes.push(bridge);
    const bridgeUrl = `${/health on (http:\/\/[^/]+)\/health/.exec(bridge.output())?.[1] ?? ''}/mcp`;
    gateway = await startGatewayProcess(env, { MCP_BRIDGE_URL: bridgeUrl });
    processes.push(gateway);
  }, 180_000);

  afterAll(async () => {
    for (const running of processes) await running.kill('SIGTERM');
    await env.cleanup();
  });

  it('forwards an MCP request with the caller token and returns the bridge answer', async () => {
    const response = await call(gateway.url, 'POST', '/mcp', { token: token('developer', 'acme', 'dev'), body: initialize, headers: MCP_HEADERS });
    expect(response.status).toBe(200);
    expect(JSON.stringify(response.body)).toMatch(/serverInfo/);
  });

  it('forwards an API-key caller as a token it issues, never the key', async () => {
    const created = await call<{ key: string }>(gateway.url, 'POST', '/api/auth/api-keys', { token: token('admin', 'acme', 'ada'), body: { name: 'agent', role: 'developer', scopes: ['tasks.view'] } });
    const response = await call(gateway.url, 'POST', '/mcp', { headers: { ...MCP_HEADERS, 'x-api-key': created.body.key }, body: initialize });
    expect(response.status).toBe(200);
    expect(JSON.stringify(response.body)).toMatch(/serverInfo/);
  });

  it('refuses an unauthenticated caller before reaching the bridge', async () => {
    const response = await call(gateway.url, 'POST', '/mcp', { body: initialize, headers: MCP_HEADERS });
    expect(response).toMatchObject({ status: 401, body: { code: 'unauthenticated' } });
  });
});
