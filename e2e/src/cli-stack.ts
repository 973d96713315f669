import { execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestEnvironment, waitFor, type RunningProcess, type TestEnvironment } from '@hive/testing';
import { call, startGatewayProcess, TEST_JWT_SECRET, token, type GatewayProcess } from './gateway/gateway-client';
import { startService, startSimulatedAgent, type SimulatedAgentProcess } from './services';

const repoRoot = path.resolve(__dirname, '../..');

/** The stack the operator interfaces drive: coordinator, agent manager, workflow engine, gateway and one simulated agent. */
export interface OperatorStack {
  readonly env: TestEnvironment;
  readonly gateway: GatewayProcess;
  readonly sim: SimulatedAgentProcess;
  readonly agentId: string;
  stop(): Promise<void>;
}

export async function startOperatorStack(extraGateway: Record<string, string> = {}): Promise<OperatorStack> {
  const env = await createTestEnvironment();
  const processes: RunningProcess[] = [];
  const sim = await startSimulatedAgent('acacia', 'deepseek-r1:7b');
  processes.push(sim);
  processes.push(await startService(env, 'coordinator'), await startService(env, 'agent-manager'), await startService(env, 'workflow-engine'));
  const gateway = await startGatewayProcess(env, { COMMAND_TIMEOUT_MS: '15000', ...extraGateway });
  processes.push(gateway);
  const agentId = 'acacia';
  const admin = token('admin', 'acme', 'ada');
  const registered = await call(gateway.url, 'POST', '/api/agents', {
    token: admin, body: { agentId, name: 'Acacia', endpoint: sim.url, model: 'deepseek-r1:7b', provider: 'ollama', capabilities: [{ name: 'general', proficiency: 0.9 }], maxConcurrent: 2 },
  });
  if (registered.status !== 201) throw new Error(`registering ${agentId}: ${registered.status} ${JSON.stringify(registered.body)}`);
  await waitFor(async () => ((await call(gateway.url, 'GET', `/api/agents/${agentId}`, { token: admin })).body['status'] === 'online' ? true : undefined),
    { timeoutMs: 30_000, description: `${agentId} online` });
  return {
    env, gateway, sim, agentId,
    stop: async () => {
      for (const running of processes.reverse()) await running.kill('SIGTERM');
      await env.cleanup();
    },
  };
}

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the hive CLI from its sources as its own process (as a user would run the bin). */
export function runCli(args: readonly string[], env: Record<string, string> = {}, stdin?: string): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['-r', '@swc-node/register', path.join(repoRoot, 'tools/cli/src/main.ts'), ...args], {
      cwd: repoRoot, timeout: 90_000,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? tmpdir(), TS_NODE_PROJECT: path.join(repoRoot, 'tsconfig.base.json'), HIVE_JWT_SECRET: TEST_JWT_SECRET, ...env },
    }, (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }));
    if (stdin !== undefined) child.stdin?.end(stdin);
    else child.stdin?.end();
  });
}

/** Starts the CLI and lets the test wait for something on its stderr (e.g. "listening on") before acting. */
export function startCli(args: readonly string[], env: Record<string, string> = {}): { result: Promise<CliResult>; stderrMatches(pattern: RegExp, timeoutMs?: number): Promise<void> } {
  let stderr = '';
  let stdout = '';
  const child = spawn(process.execPath, ['-r', '@swc-node/register', path.join(repoRoot, 'tools/cli/src/main.ts'), ...args], {
    cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? tmpdir(), TS_NODE_PROJECT: path.join(repoRoot, 'tsconfig.base.json'), HIVE_JWT_SECRET: TEST_JWT_SECRET, ...env },
  });
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const result = new Promise<CliResult>((resolve) => child.once('exit', (code) => resolve({ code: code ?? 1, stdout, stderr })));
  return {
    result,
    stderrMatches: (pattern, timeoutMs = 30_000) => waitFor(() => (pattern.test(stderr) ? true : undefined), { timeoutMs, intervalMs: 50, description: `CLI stderr to match ${pattern}` }).then(() => undefined),
  };
}

/** A private config dir, so `hive login` never touches the user's own. */
export const scratchDir = (): string => mkdtempSync(path.join(tmpdir(), 'hive-cli-'));

/** A three-node n8n workflow the engine runs without an LLM: trigger, a short wait, a Set node. */
export const demoWorkflow = (name = 'CLI demo', waitSeconds = 1): Record<string, unknown> => ({
  name,
  nodes: [
    { id: 'a1', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
    { id: 'a2', name: 'Pause', type: 'n8n-nodes-base.wait', typeVersion: 1.1, position: [220, 0], parameters: { amount: waitSeconds, unit: 'seconds' } },
    { id: 'a3', name: 'Done', type: 'n8n-nodes-base.set', typeVersion: 3.4, position: [440, 0],
      parameters: { assignments: { assignments: [{ id: '1', name: 'shipped', value: 'yes', type: 'string' }] }, options: {} } },
  ],
  connections: {
    Start: { main: [[{ node: 'Pause', type: 'main', index: 0 }]] },
    Pause: { main: [[{ node: 'Done', type: 'main', index: 0 }]] },
  },
  settings: { executionOrder: 'v1' },
});
