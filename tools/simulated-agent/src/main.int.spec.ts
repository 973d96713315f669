import { startTsProcess, waitFor, type RunningProcess } from '@hive/testing';

const ENTRY = 'tools/simulated-agent/src/main.ts';

/** The program, configured through its SIM_* variables (the flags are the same settings; see the unit spec). */
describe('hive-simulated-agent program', () => {
  let running: RunningProcess | undefined;

  afterEach(async () => {
    await running?.kill('SIGTERM');
    running = undefined;
  });

  it('runs the standard preset in one process, one line per agent, each serving its model', async () => {
    running = startTsProcess(ENTRY, { ...process.env, SIM_PRESET: 'standard', SIM_PORT: '0', SIM_LATENCY_MS: '0' });
    await running.waitForOutput(/simulated agent ironwood listening on http:\/\/127\.0\.0\.1:\d+\n/);
    const urls = Object.fromEntries([...running.output().matchAll(/simulated agent (\w+) listening on (http:\/\/127\.0\.0\.1:\d+)/g)].map((match) => [match[1], match[2]]));
    expect(Object.keys(urls)).toEqual(['acacia', 'walnut', 'ironwood']);
    const served: Record<string, string[]> = {};
    for (const [name, url] of Object.entries(urls)) {
      const tags = (await (await fetch(`${url}/api/tags`)).json()) as { models: { name: string }[] };
      served[name] = tags.models.map((model) => model.name);
    }
    expect(served).toEqual({ acacia: ['deepseek-r1:7b'], walnut: ['starcoder2:15b'], ironwood: ['deepseek-coder-v2:latest'] });
    expect(await running.kill('SIGTERM')).toBe(0);
  });

  it('exits with status 2 and names the variable for a bad setting', async () => {
    running = startTsProcess(ENTRY, { ...process.env, SIM_MODELS: 'deepseek-r1:7b', SIM_FAILURE_RATE: '2' });
    const { child } = running;
    expect(await waitFor(() => child.exitCode ?? undefined, { description: 'the program to exit', timeoutMs: 20_000 })).toBe(2);
    expect(running.output()).toContain('SIM_FAILURE_RATE="2"');
  });
});
