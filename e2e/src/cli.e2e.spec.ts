import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { demoWorkflow, runCli, startCli, scratchDir, startOperatorStack, type OperatorStack } from './cli-stack';
import { call, token } from './gateway/gateway-client';

/** The hive CLI as a process against the running stack: what it prints, and exit codes scripts can rely on. */
describe('hive CLI through the running stack', () => {
  let stack: OperatorStack;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    stack = await startOperatorStack();
    dir = scratchDir();
    env = { HIVE_URL: stack.gateway.url, HIVE_CONFIG_DIR: dir };
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
  });

  describe('bad input: a clear message and a non-zero exit', () => {
    it('rejects an unknown flag or command with exit 2 and names it', async () => {
      const flag = await runCli(['tasks', 'list', '--colour', 'blue'], env);
      expect(flag.code).toBe(2);
      expect(flag.stderr).toMatch(/unknown option '--colour'/);
      const command = await runCli(['tasks', 'explode'], env);
      expect(command.code).toBe(2);
      expect(command.stderr).toMatch(/unknown command 'explode'/);
      const value = await runCli(['--token', 'x', 'tasks', 'list', '--limit', 'lots'], env);
      expect(value.code).toBe(2);
      expect(value.stderr).toMatch(/--limit must be a whole number/);
    });

    it('rejects an unreadable file, a file that is not JSON and JSON that is not an n8n workflow (exit 2), sending nothing', async () => {
      const admin = ['--token', token('admin', 'acme', 'ada')];
      const missing = await runCli([...admin, 'workflows', 'import', path.join(dir, 'nope.json')], env);
      expect(missing).toMatchObject({ code: 2, stdout: '' });
      expect(missing.stderr).toMatch(/cannot read .*nope\.json: ENOENT/);
      const broken = path.join(dir, 'broken.json');
      writeFileSync(broken, '{ "nodes": [ ');
      const notJson = await runCli([...admin, 'workflows', 'import', broken], env);
      expect(notJson.code).toBe(2);
      expect(notJson.stderr).toMatch(/broken\.json is not valid JSON/);
      const wrong = path.join(dir, 'wrong.json');
      writeFileSync(wrong, JSON.stringify({ name: 'x', nodes: [{ name: 'A' }], connections: {} }));
      const notN8n = await runCli([...admin, 'workflows', 'import', wrong], env);
      expect(notN8n.code).toBe(2);
      expect(notN8n.stderr).toMatch(/not n8n workflow JSON: nodes\[0\] needs a string "name" and "type"/);
      const input = await runCli([...admin, 'workflows', 'run', 'any', '--input', '{nope'], env);
      expect(input.code).toBe(2);
      expect(input.stderr).toMatch(/--input is not valid JSON/);
      expect((await call<{ items: unknown[] }>(stack.gateway.url, 'GET', '/api/workflows', { token: token('admin', 'acme', 'ada') })).body.items).toEqual([]);
    });

    it('says how to log in without a token (exit 3), and a refusal by the gateway is exit 1 or 3 with its reason', async () => {
      const none = await runCli(['tasks', 'list'], env);
      expect(none.code).toBe(3);
      expect(none.stderr).toMatch(/not logged in: run "hive login"/);
      const viewer = await runCli(['--token', token('viewer', 'acme', 'vic'), 'tasks', 'create', '--title', 't', '--prompt', 'p'], env);
      expect(viewer.code).toBe(3);
      expect(viewer.stderr).toMatch(/403/);
      const invalid = await runCli(['--token', token('admin', 'acme', 'ada'), 'tasks', 'create', '--title', 't', '--prompt', 'p', '--type', 'Not A Type'], env);
      expect(invalid.code).toBe(1);
      expect(invalid.stderr).toMatch(/400.*\n.*type/);
      const unknown = await runCli(['--token', token('admin', 'acme', 'ada'), '--json', 'tasks', 'get', 'no-such-task'], env);
      expect(unknown.code).toBe(1);
      expect(JSON.parse(unknown.stderr)).toMatchObject({ exitCode: 1, problem: { status: 404 } });
    });

    it('exits 4 when the gateway cannot be reached', async () => {
      const result = await runCli(['--url', 'http://127.0.0.1:9', '--token', 'x', 'agents', 'list'], env);
      expect(result.code).toBe(4);
      expect(result.stderr).toMatch(/cannot reach the gateway at http:\/\/127\.0\.0\.1:9/);
    });
  });

  it('prints a development token the gateway accepts, and logs a local user in', async () => {
    const dev = await runCli(['token', '--role', 'developer', '--tenant', 'acme', '--sub', 'devi'], env);
    expect(dev.code).toBe(0);
    const me = await runCli(['--token', dev.stdout.trim(), '--json', 'whoami'], env);
    expect(me.code).toBe(0);
    expect(JSON.parse(me.stdout)).toMatchObject({ subject: 'devi', tenant: 'acme', roles: ['developer'] });
    expect((await runCli(['token', '--role', 'root'], env)).code).toBe(2);

    const created = await call(stack.gateway.url, 'POST', '/api/auth/users', { token: token('admin', 'acme', 'ada'), body: { username: 'cli-user', password: 'correct horse battery', roles: ['admin'] } });
    expect(created.status).toBe(201);
    const wrong = await runCli(['login', '--tenant', 'acme', '--username', 'cli-user'], env, 'wrong password!!\n');
    expect(wrong.code).toBe(3);
    const login = await runCli(['login', '--tenant', 'acme', '--username', 'cli-user'], env, 'correct horse battery\n');
    expect(login.code).toBe(0);
    expect(login.stdout).toMatch(/logged in as cli-user@acme/);
    // Later commands use the saved token.
    const whoami = await runCli(['whoami'], env);
    expect(whoami).toMatchObject({ code: 0 });
    expect(whoami.stdout).toMatch(/^\S+@acme roles: admin\n/);
    // An expired or revoked access token is refreshed with the saved refresh token (once), and the new pair saved.
    const file = path.join(dir, 'credentials.json');
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { accessToken: string; refreshToken: string };
    writeFileSync(file, JSON.stringify({ ...saved, accessToken: 'not-a-token' }));
    const refreshed = await runCli(['whoami'], env);
    expect(refreshed).toMatchObject({ code: 0 });
    const after = JSON.parse(readFileSync(file, 'utf8')) as { accessToken: string; refreshToken: string };
    expect(after.accessToken).not.toBe('not-a-token');
    expect(after.refreshToken).not.toBe(saved.refreshToken);
  });

  it('creates a task and watches it complete on the agent; lists agents', async () => {
    const admin = ['--token', token('admin', 'acme', 'ada')];
    const agents = await runCli([...admin, '--json', 'agents', 'list'], env);
    expect(agents.code).toBe(0);
    expect(JSON.parse(agents.stdout)).toEqual([expect.objectContaining({ id: stack.agentId, status: expect.stringMatching(/online|busy/) })]);
    const created = await runCli([...admin, 'tasks', 'create', '--title', 'Say hello', '--prompt', 'Say hello', '--watch'], env);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/task \S+ completed on acacia/);
    const list = await runCli([...admin, 'tasks', 'list', '--status', 'completed'], env);
    expect(list.stdout).toMatch(/Say hello\s+completed\s+acacia/);
  }, 90_000);

  it('imports a workflow, runs it and follows each execution with a progress bar to completion', async () => {
    const admin = ['--token', token('admin', 'acme', 'ada')];
    const file = path.join(dir, 'demo.json');
    writeFileSync(file, JSON.stringify(demoWorkflow()));
    const imported = await runCli([...admin, '--json', 'workflows', 'import', file, '--id', 'cli-demo'], env);
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ id: 'cli-demo', name: 'CLI demo', latestVersion: 1, active: false });
    const exported = await runCli([...admin, 'workflows', 'export', 'cli-demo'], env);
    expect(JSON.parse(exported.stdout)).toEqual(demoWorkflow());

    const run = await runCli([...admin, 'workflows', 'run', 'cli-demo', '--count', '2', '--input', '{"pr":17}', '--watch'], env);
    expect(run.code).toBe(0);
    const bars = run.stdout.split('\n').filter((l) => /\[[#-]{24}\]/.test(l));
    expect(bars.some((l) => /\[#{24}\] 100% completed\s+3\/3 nodes/.test(l))).toBe(true);
    const ids = new Set(bars.map((l) => l.slice(0, 12)));
    expect(ids.size).toBe(2);

    const executions = await runCli([...admin, '--json', 'executions', 'list', '--workflow', 'cli-demo'], env);
    const items = JSON.parse(executions.stdout) as Array<{ status: string; input: unknown }>;
    expect(items).toHaveLength(2);
    expect(items.every((e) => e.status === 'completed')).toBe(true);
  }, 90_000);

  it('tails live events of a topic over the WebSocket', async () => {
    const admin = token('admin', 'acme', 'ada');
    const tail = startCli(['--token', admin, 'events', 'tail', 'execution.cli-tail', '--count', '3', '--for', '60', '--json'], env);
    // The subscription is made before the run: wait for it, then start the execution with that id.
    await tail.stderrMatches(/listening on execution\.cli-tail/);
    const started = await call(stack.gateway.url, 'POST', '/api/workflows/cli-demo/execute', { token: admin, body: { executionId: 'cli-tail' } });
    expect(started.status).toBe(201);
    const result = await tail.result;
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as { topic: string; data: { event: string } });
    expect(lines).toHaveLength(3);
    expect(lines.every((l) => l.topic === 'execution.cli-tail')).toBe(true);
    expect(lines[0].data.event).toMatch(/^workflow\./);
    const refused = await runCli(['--token', admin, 'events', 'tail', 'everything'], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/subscription to everything refused: unknown topic/);
  }, 90_000);

  it('rebuilds a read model as an admin of the platform tenant, and refuses a tenant admin (exit 3)', async () => {
    const refused = await runCli(['--token', token('admin', 'acme', 'ada'), 'projections', 'rebuild', 'tasks'], env);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/platform tenant "hive"/);
    const rebuilt = await runCli(['--token', token('admin', 'hive', 'root'), '--json', 'projections', 'rebuild', 'tasks'], env);
    expect(rebuilt.code).toBe(0);
    expect(JSON.parse(rebuilt.stdout)).toMatchObject({ projection: 'tasks', status: 'rebuilding' });
  });
});
