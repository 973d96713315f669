import path from 'node:path';
import { startTsProcess, type RunningProcess, type TestEnvironment } from '@hive/testing';

const repoRoot = path.resolve(__dirname, '../..');

/** Starts a Hive service from its sources as its own process, joined to the test run's topics and schemas. */
export async function startService(env: TestEnvironment, service: string, extra: Record<string, string> = {}): Promise<RunningProcess> {
  const running = startTsProcess(path.join(repoRoot, 'services', service, 'src/main.ts'), env.env({
    AGENT_MANAGER_PORT: '0', COORDINATOR_PORT: '0', GATEWAY_PORT: '0', WORKFLOW_ENGINE_PORT: '0', PERFORMANCE_MONITOR_PORT: '0', MCP_BRIDGE_PORT: '0',
    ...extra,
  }));
  await running.waitForOutput(`${service} ready`, 60_000);
  return running;
}

export interface SimulatedAgentProcess extends RunningProcess {
  readonly url: string;
  /** The simulator's request counters (GET /sim/stats). */
  stats(): Promise<{ received: number; active: number; completed: number; aborted: number }>;
  tune(settings: Record<string, number>): Promise<void>;
}

/** Starts the simulated LLM server (a separate program speaking the Ollama and OpenAI APIs) on a free port. */
export async function startSimulatedAgent(name: string, models: string, settings: Record<string, string> = {}): Promise<SimulatedAgentProcess> {
  const running = startTsProcess(path.join(repoRoot, 'tools/simulated-agent/src/main.ts'), {
    ...process.env, SIM_NAME: name, SIM_MODELS: models, SIM_PORT: '0', ...settings,
  });
  await running.waitForOutput(/listening on http:\/\/127\.0\.0\.1:\d+/, 30_000);
  const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(running.output())?.[1] ?? '';
  return Object.assign(running, {
    url,
    stats: async () => ((await (await fetch(`${url}/sim/stats`)).json()) as { requests: { received: number; active: number; completed: number; aborted: number } }).requests,
    tune: async (changes: Record<string, number>) => {
      const response = await fetch(`${url}/sim/settings`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify(changes) });
      if (!response.ok) throw new Error(`tuning ${name} failed: ${response.status} ${await response.text()}`);
    },
  });
}
