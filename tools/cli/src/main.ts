#!/usr/bin/env node
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ApiClient } from './api-client';
import { credentialsFile, readLogin, writeLogin } from './credentials';
import { DEV_JWT_SECRET, devToken, ROLES } from './dev-token';
import { CliError, ExitCode, usageError } from './exit-codes';
import { LiveClient } from './live-client';
import { asN8nWorkflow, jsonOption, readJsonFile } from './n8n-file';
import { ProgressBoard, type ProgressRow } from './progress';

interface GlobalOptions {
  url?: string;
  token?: string;
  json?: boolean;
}

interface Task {
  id: string;
  title: string;
  status: string;
  type: string;
  priority: number;
  agentId: string | null;
  attempt: number;
  result: string | null;
  error: string | null;
  createdAt: string;
}

interface Execution {
  id: string;
  workflowId: string;
  workflowVersion: number;
  status: string;
  progress: number;
  error: string | null;
  failedNode: string | null;
  nodes: Record<string, { status: string; type?: string }>;
  output: unknown;
}

const TASK_DONE = new Set(['completed', 'failed', 'timed_out', 'cancelled']);
const EXECUTION_DONE = new Set(['completed', 'failed', 'cancelled']);

const program = new Command();
program
  .name('hive')
  .description('Operate a Hive deployment through its gateway.\nExit codes: 0 ok, 1 refused or failed, 2 usage error, 3 not authenticated/permitted, 4 gateway unreachable or timed out, 5 not offered by the gateway.')
  .option('--url <url>', 'gateway base URL (env HIVE_URL)', process.env['HIVE_URL'])
  .option('--token <jwt>', 'access token (env HIVE_TOKEN; else the one saved by "hive login")', process.env['HIVE_TOKEN'])
  .option('--json', 'print JSON for scripts instead of text')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

const globals = (): GlobalOptions => program.opts<GlobalOptions>();
const configFile = (): string => credentialsFile(process.env['HIVE_CONFIG_DIR']);
const baseUrl = (): string => globals().url ?? readLogin(configFile())?.url ?? 'http://127.0.0.1:3000';

function api(requireToken = true): ApiClient {
  const saved = readLogin(configFile());
  const token = globals().token ?? saved?.accessToken;
  if (requireToken && !token) throw new CliError('not logged in: run "hive login", or pass --token / set HIVE_TOKEN (a development token: "hive token")', ExitCode.auth);
  // Only the saved login is refreshed (single use: the new refresh token is saved at once).
  const refresh = globals().token === undefined && saved?.refreshToken ? async (client: ApiClient): Promise<string | undefined> => {
    const pair = await new ApiClient(client.baseUrl, undefined).request<{ accessToken: string; refreshToken: string; expiresIn: number }>('POST', '/api/auth/refresh', { refreshToken: saved.refreshToken });
    writeLogin(configFile(), { url: saved.url, accessToken: pair.accessToken, refreshToken: pair.refreshToken, expiresAt: new Date(Date.now() + pair.expiresIn * 1000).toISOString() });
    return pair.accessToken;
  } : undefined;
  return new ApiClient(baseUrl(), token, 30_000, refresh);
}

const json = (): boolean => globals().json === true;
const print = (value: unknown, human: () => string): void => {
  process.stdout.write(json() ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
};

function table(rows: ReadonlyArray<Record<string, unknown>>, columns: readonly string[]): string {
  if (rows.length === 0) return '(none)';
  const cell = (v: unknown) => (v === null || v === undefined ? '-' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  const widths = columns.map((c) => Math.min(48, Math.max(c.length, ...rows.map((r) => cell(r[c]).length))));
  const line = (values: string[]) => values.map((v, i) => v.slice(0, widths[i]).padEnd(widths[i])).join('  ').trimEnd();
  return [line(columns.map((c) => c.toUpperCase())), ...rows.map((r) => line(columns.map((c) => cell(r[c]))))].join('\n');
}

const integer = (name: string, min: number, max: number) => (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
  return n;
};
const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const enc = encodeURIComponent;

// --- auth -----------------------------------------------------------------------------------------

program.command('login')
  .description('log in as a local user and save the tokens (password from --password, HIVE_PASSWORD or stdin)')
  .requiredOption('--tenant <tenant>', 'tenant')
  .requiredOption('--username <name>', 'user name')
  .option('--password <password>', 'password (prefer HIVE_PASSWORD or stdin)')
  .action(async (options: { tenant: string; username: string; password?: string }) => {
    const password = options.password ?? process.env['HIVE_PASSWORD'] ?? (process.stdin.isTTY ? undefined : (await readStdin()).trim());
    if (!password) throw usageError('no password: pass --password, set HIVE_PASSWORD or pipe it on stdin');
    const pair = await api(false).request<{ accessToken: string; refreshToken: string; expiresIn: number }>('POST', '/api/auth/login', { tenant: options.tenant, username: options.username, password });
    writeLogin(configFile(), { url: baseUrl(), accessToken: pair.accessToken, refreshToken: pair.refreshToken, expiresAt: new Date(Date.now() + pair.expiresIn * 1000).toISOString() });
    print({ ok: true, tenant: options.tenant, username: options.username, expiresIn: pair.expiresIn, saved: configFile() },
      () => `logged in as ${options.username}@${options.tenant} (token valid ${Math.round(pair.expiresIn / 60)} min, saved to ${configFile()})`);
  });

program.command('whoami')
  .description('who the token says you are, and your permissions')
  .action(async () => {
    const me = await api().get<{ subject: string; tenant: string; roles: string[]; permissions: string[] }>('/api/auth/me');
    print(me, () => `${me.subject}@${me.tenant} roles: ${me.roles.join(', ')}\npermissions: ${me.permissions.join(', ')}`);
  });

program.command('token')
  .description('print a development access token signed with HIVE_JWT_SECRET (default: the dev-only secret)')
  .addOption(new Option('--role <role>', 'role').choices([...ROLES]).default('admin'))
  .option('--tenant <tenant>', 'tenant', 'acme')
  .option('--sub <subject>', 'subject (user id)')
  .option('--ttl <seconds>', 'lifetime in seconds', integer('--ttl', 1, 31_536_000), 3600)
  .action((options: { role: string; tenant: string; sub?: string; ttl: number }) => {
    let token: string;
    try {
      token = devToken({ role: options.role, tenant: options.tenant, sub: options.sub, ttlSeconds: options.ttl, secret: process.env['HIVE_JWT_SECRET'] ?? DEV_JWT_SECRET });
    } catch (error) {
      throw usageError((error as Error).message);
    }
    print({ token, role: options.role, tenant: options.tenant, expiresIn: options.ttl }, () => token);
  });

// --- tasks ----------------------------------------------------------------------------------------

const tasks = program.command('tasks').description('create, list, watch, cancel and retry tasks');

tasks.command('create')
  .description('create a task')
  .requiredOption('--title <title>', 'title')
  .requiredOption('--prompt <prompt>', 'prompt sent to the agent')
  .option('--type <type>', 'task type', 'general')
  .option('--priority <n>', 'priority 0-10', integer('--priority', 0, 10))
  .option('--capability <name[:min]>', 'required capability (repeatable)', collect)
  .option('--depends-on <taskId>', 'a task this one waits for (repeatable)', collect)
  .option('--model <model>', 'model to use')
  .option('--timeout <ms>', 'timeout in ms', integer('--timeout', 1, 86_400_000))
  .option('--id <id>', 'task id (default: a new uuid)')
  .option('--watch', 'wait until the task finishes (exit 1 if it did not complete)')
  .action(async (options: { title: string; prompt: string; type: string; priority?: number; capability?: string[]; dependsOn?: string[]; model?: string; timeout?: number; id?: string; watch?: boolean }) => {
    const body = {
      title: options.title, prompt: options.prompt, type: options.type,
      ...(options.id ? { id: options.id } : {}), ...(options.priority !== undefined ? { priority: options.priority } : {}),
      ...(options.capability ? { requiredCapabilities: options.capability.map(capability) } : {}),
      ...(options.dependsOn ? { dependsOn: options.dependsOn } : {}), ...(options.model ? { model: options.model } : {}),
      ...(options.timeout ? { timeoutMs: options.timeout } : {}),
    };
    const client = api();
    const task = await client.request<Task>('POST', '/api/tasks', body, { idempotent: true });
    if (!options.watch) return print(task, () => `task ${task.id} ${task.status}`);
    if (!json()) process.stdout.write(`task ${task.id} ${task.status}\n`);
    await watchTask(client, task.id);
  });

function capability(spec: string): { name: string; minProficiency?: number } {
  const [name, min] = spec.split(':');
  if (!name) throw usageError(`--capability "${spec}": expected name or name:minProficiency`);
  if (min === undefined) return { name };
  const n = Number(min);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw usageError(`--capability "${spec}": minProficiency must be a number from 0 to 1`);
  return { name, minProficiency: n };
}

tasks.command('list')
  .description('list tasks, newest first')
  .option('--status <status>', 'only this status')
  .option('--type <type>', 'only this type')
  .option('--agent <agentId>', 'only tasks of this agent')
  .option('--limit <n>', 'at most this many', integer('--limit', 1, 200), 50)
  .action(async (options: { status?: string; type?: string; agent?: string; limit: number }) => {
    const query = new URLSearchParams({ limit: String(options.limit), ...(options.status ? { status: options.status } : {}), ...(options.type ? { type: options.type } : {}), ...(options.agent ? { agentId: options.agent } : {}) });
    const page = await api().get<{ items: Task[] }>(`/api/tasks?${query}`);
    print(page.items, () => table(page.items as unknown as Array<Record<string, unknown>>, ['id', 'title', 'status', 'agentId', 'attempt', 'createdAt']));
  });

tasks.command('get <id>').description('show a task').action(async (id: string) => {
  const task = await api().get<Task>(`/api/tasks/${enc(id)}`);
  print(task, () => describeTask(task));
});

tasks.command('watch <id>').description('follow a task until it finishes (exit 1 if it did not complete)').action(async (id: string) => {
  await watchTask(api(), id);
});

tasks.command('cancel <id>').description('cancel a task').option('--reason <reason>', 'why').action(async (id: string, options: { reason?: string }) => {
  const task = await api().request<Task>('DELETE', `/api/tasks/${enc(id)}${options.reason ? `?reason=${enc(options.reason)}` : ''}`, undefined, { idempotent: true });
  print(task, () => `task ${task.id} ${task.status}`);
});

tasks.command('retry <id>').description('run a failed, timed-out or cancelled task again').option('--reason <reason>', 'why').action(async (id: string, options: { reason?: string }) => {
  const task = await api().request<Task>('POST', `/api/tasks/${enc(id)}/retry`, options.reason ? { reason: options.reason } : {}, { idempotent: true });
  print(task, () => `task ${task.id} ${task.status}`);
});

const describeTask = (t: Task): string =>
  [`task ${t.id}: ${t.title}`, `status ${t.status}${t.agentId ? ` on ${t.agentId}` : ''} (attempt ${t.attempt})`, ...(t.error ? [`error: ${t.error}`] : []), ...(t.result ? [`result: ${t.result}`] : [])].join('\n');

/** Polls the task (the gateway has no per-task live topic) until it is finished; exit 1 unless it completed. */
async function watchTask(client: ApiClient, id: string): Promise<void> {
  let last = '';
  for (;;) {
    const task = await client.get<Task>(`/api/tasks/${enc(id)}`);
    const line = `task ${task.id} ${task.status}${task.agentId ? ` on ${task.agentId}` : ''}`;
    if (!json() && line !== last) process.stdout.write(`${line}\n`);
    last = line;
    if (TASK_DONE.has(task.status)) {
      if (json()) process.stdout.write(`${JSON.stringify(task, null, 2)}\n`);
      else if (task.result) process.stdout.write(`result: ${task.result}\n`);
      else if (task.error) process.stdout.write(`error: ${task.error}\n`);
      if (task.status !== 'completed') process.exitCode = ExitCode.failure;
      return;
    }
    await sleep(400);
  }
}

// --- workflows and executions ---------------------------------------------------------------------

const workflows = program.command('workflows').description('import, list, activate and run n8n workflows');

workflows.command('import <file>')
  .description('import n8n workflow JSON from a file ("-" for stdin): a new workflow, or a new version with --id')
  .option('--name <name>', 'name (default: the JSON\'s "name")')
  .option('--id <id>', 'workflow id (an existing id adds a version)')
  .option('--description <text>', 'description')
  .option('--activate', 'make the imported version active')
  .action(async (file: string, options: { name?: string; id?: string; description?: string; activate?: boolean }) => {
    const n8nData = asN8nWorkflow(readJsonFile(file), file);
    const name = options.name ?? (typeof n8nData.name === 'string' ? n8nData.name : undefined);
    if (!name) throw usageError(`${file} has no "name": pass --name`);
    const workflow = await api().request<{ id: string; name: string; latestVersion: number; active: boolean }>('POST', '/api/workflows', {
      name, n8nData, ...(options.id ? { id: options.id } : {}), ...(options.description ? { description: options.description } : {}), ...(options.activate ? { activate: true } : {}),
    }, { idempotent: true });
    print(workflow, () => `workflow ${workflow.id} "${workflow.name}" version ${workflow.latestVersion}${workflow.active ? ' (active)' : ''}`);
  });

workflows.command('list').description('list workflows').option('--limit <n>', 'at most this many', integer('--limit', 1, 200), 50).action(async (options: { limit: number }) => {
  const page = await api().get<{ items: Array<Record<string, unknown>> }>(`/api/workflows?limit=${options.limit}`);
  print(page.items, () => table(page.items, ['id', 'name', 'latestVersion', 'activeVersion', 'active', 'updatedAt']));
});

workflows.command('get <id>').description('show a workflow with the n8n JSON of its active (or latest) version').action(async (id: string) => {
  const workflow = await api().get<Record<string, unknown>>(`/api/workflows/${enc(id)}`);
  print(workflow, () => JSON.stringify(workflow, null, 2));
});

workflows.command('export <id>').description("print the n8n JSON of a workflow's version (default: active or latest)").option('--version <n>', 'version', integer('--version', 1, 1_000_000))
  .action(async (id: string, options: { version?: number }) => {
    const client = api();
    const data = options.version === undefined
      ? (await client.get<{ n8nData?: unknown }>(`/api/workflows/${enc(id)}`)).n8nData
      : (await client.get<{ items: Array<{ version: number; n8nData: unknown }> }>(`/api/workflows/${enc(id)}/versions`)).items.find((v) => v.version === options.version)?.n8nData;
    if (data === undefined) throw new CliError(`workflow ${id} has no version ${options.version ?? ''}`.trim(), ExitCode.failure);
    process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
  });

workflows.command('versions <id>').description("a workflow's versions").action(async (id: string) => {
  const { items } = await api().get<{ items: Array<{ version: number; name: string; createdAt: string; n8nData: { nodes?: unknown[] } }> }>(`/api/workflows/${enc(id)}/versions`);
  print(items, () => table(items.map((v) => ({ version: v.version, name: v.name, nodes: v.n8nData?.nodes?.length ?? 0, createdAt: v.createdAt })), ['version', 'name', 'nodes', 'createdAt']));
});

workflows.command('activate <id>').description('make a version active (default: the latest)').option('--version <n>', 'version', integer('--version', 1, 1_000_000))
  .action(async (id: string, options: { version?: number }) => {
    const workflow = await api().request<{ id: string; activeVersion: number | null }>('POST', `/api/workflows/${enc(id)}/activate`, options.version ? { version: options.version } : {}, { idempotent: true });
    print(workflow, () => `workflow ${workflow.id} active version ${workflow.activeVersion ?? '-'}`);
  });

workflows.command('run <id>')
  .description('run a workflow; --watch shows a progress bar per execution (exit 1 if any did not complete)')
  .option('--input <json|@file>', 'input as a JSON object or @file.json')
  .option('--version <n>', 'version (default: the active one)', integer('--version', 1, 1_000_000))
  .option('--count <n>', 'start this many executions', integer('--count', 1, 100), 1)
  .option('--watch', 'follow the executions until they finish')
  .action(async (id: string, options: { input?: string; version?: number; count: number; watch?: boolean }) => {
    const input = options.input ? jsonOption(options.input, '--input') : {};
    const client = api();
    const started: Execution[] = [];
    for (let i = 0; i < options.count; i++) {
      started.push(await client.request<Execution>('POST', `/api/workflows/${enc(id)}/execute`, { input, ...(options.version ? { version: options.version } : {}) }, { idempotent: true }));
    }
    if (!options.watch) return print(started, () => started.map((e) => `execution ${e.id} ${e.status}`).join('\n'));
    await watchExecutions(client, started.map((e) => e.id));
  });

const executions = program.command('executions').description('list, watch, cancel and retry workflow executions');

executions.command('list').description('list executions').option('--workflow <id>', 'only of this workflow').option('--status <status>', 'only this status')
  .option('--limit <n>', 'at most this many', integer('--limit', 1, 200), 50)
  .action(async (options: { workflow?: string; status?: string; limit: number }) => {
    const query = new URLSearchParams({ limit: String(options.limit), ...(options.workflow ? { workflowId: options.workflow } : {}), ...(options.status ? { status: options.status } : {}) });
    const page = await api().get<{ items: Array<Record<string, unknown>> }>(`/api/executions?${query}`);
    print(page.items, () => table(page.items, ['id', 'workflowId', 'workflowVersion', 'status', 'progress', 'startedAt']));
  });

executions.command('get <id>').description('show an execution with its nodes').action(async (id: string) => {
  const execution = await api().get<Execution>(`/api/executions/${enc(id)}`);
  print(execution, () => [`execution ${execution.id} of ${execution.workflowId} v${execution.workflowVersion}: ${execution.status} ${Math.round(execution.progress)}%`,
    ...Object.entries(execution.nodes ?? {}).map(([name, node]) => `  ${name}: ${node.status}`), ...(execution.error ? [`error: ${execution.error}`] : [])].join('\n'));
});

executions.command('watch <ids...>').description('follow executions until they finish, a progress bar each').action(async (ids: string[]) => {
  await watchExecutions(api(), ids);
});

executions.command('cancel <id>').description('cancel a running execution').option('--reason <reason>', 'why').action(async (id: string, options: { reason?: string }) => {
  const execution = await api().request<Execution>('POST', `/api/executions/${enc(id)}/cancel`, options.reason ? { reason: options.reason } : {}, { idempotent: true });
  print(execution, () => `execution ${execution.id} ${execution.status}`);
});

executions.command('retry <id>').description('resume a failed execution (from its failed node, or --from-node)').option('--from-node <name>', 'node to resume from')
  .action(async (id: string, options: { fromNode?: string }) => {
    const execution = await api().request<Execution>('POST', `/api/executions/${enc(id)}/retry`, options.fromNode ? { fromNode: options.fromNode } : {}, { idempotent: true });
    print(execution, () => `execution ${execution.id} ${execution.status}`);
  });

/**
 * Follows executions live: node events over the WebSocket (execution.{id})
 * move the bars, and the execution is re-read over REST on every event, on a
 * reconnect and every few seconds, since live delivery is at-most-once.
 */
async function watchExecutions(client: ApiClient, ids: readonly string[]): Promise<void> {
  const rows = new Map<string, ProgressRow>();
  const finished = new Map<string, Execution>();
  const totals = new Map<string, number>();
  const board = new ProgressBoard(process.stdout, process.stdout.isTTY === true && !json());
  const refresh = async (id: string): Promise<void> => {
    const execution = await client.get<Execution>(`/api/executions/${enc(id)}`);
    if (!totals.has(execution.workflowId)) {
      const workflow = await client.get<{ n8nData?: { nodes?: unknown[] } }>(`/api/workflows/${enc(execution.workflowId)}`).catch(() => undefined);
      totals.set(execution.workflowId, workflow?.n8nData?.nodes?.length ?? 0);
    }
    const nodes = Object.entries(execution.nodes ?? {});
    const running = nodes.find(([, n]) => n.status === 'running')?.[0] ?? '';
    const row = rows.get(id);
    rows.set(id, {
      id, status: execution.status, node: running, done: nodes.filter(([, n]) => n.status === 'completed').length, total: totals.get(execution.workflowId) ?? 0,
      percent: Math.max(execution.status === 'completed' ? 100 : execution.progress, row && row.status === execution.status ? row.percent : 0),
    });
    if (EXECUTION_DONE.has(execution.status)) finished.set(id, execution);
  };
  const live = new LiveClient(client.baseUrl, client.bearer ?? '');
  const pending = new Set<string>();
  let flushing = false;
  const flush = async () => {
    if (flushing) return;
    flushing = true;
    try {
      while (pending.size > 0) {
        const batch = [...pending];
        pending.clear();
        await Promise.all(batch.map(refresh));
        if (!json()) board.draw([...rows.values()]);
      }
    } finally {
      flushing = false;
    }
  };
  live.onData = (message) => {
    const id = message.topic?.slice('execution.'.length);
    if (!id || !rows.has(id)) return;
    const row = rows.get(id);
    const progress = message.data?.['progress'];
    if (row && typeof progress === 'number') row.percent = Math.max(row.percent, progress);
    pending.add(id);
    void flush().catch(() => undefined);
  };
  live.onReconnect = () => {
    for (const id of ids) pending.add(id);
    void flush().catch(() => undefined);
  };
  await live.connect();
  try {
    for (const id of ids) await live.subscribe(`execution.${id}`);
    for (const id of ids) await refresh(id);
    if (!json()) board.draw([...rows.values()]);
    let polls = 0;
    while (finished.size < ids.length) {
      await sleep(250);
      if (++polls % 8 === 0) {
        for (const id of ids) if (!finished.has(id)) pending.add(id);
        await flush();
      }
    }
    await flush();
  } finally {
    live.close();
  }
  const results = ids.map((id) => finished.get(id) as Execution);
  if (json()) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  else for (const e of results) if (e.status !== 'completed') process.stdout.write(`execution ${e.id} ${e.status}${e.failedNode ? ` at ${e.failedNode}` : ''}${e.error ? `: ${e.error}` : ''}\n`);
  if (results.some((e) => e.status !== 'completed')) process.exitCode = ExitCode.failure;
}

// --- agents, events, projections, status ---------------------------------------------------------

const agents = program.command('agents').description('agents');
agents.command('list').description("list the tenant's and the shared agents").option('--status <status>', 'only this status').action(async (options: { status?: string }) => {
  const items = await api().all<Record<string, unknown>>(`/api/agents${options.status ? `?status=${enc(options.status)}` : ''}`);
  print(items, () => table(items.map((a) => ({ ...a, capabilities: ((a['capabilities'] as Array<{ name: string }> | undefined) ?? []).map((c) => c.name).join(',') })),
    ['id', 'name', 'status', 'model', 'provider', 'maxConcurrent', 'capabilities']));
});

program.command('status').description('cluster status: agents, queue, executions, alerts').action(async () => {
  const status = await api().get<{ status: string; agents: { total: number; byStatus: Record<string, number> }; tasks: { queued: number; byStatus: Record<string, number> }; alerts: { firing: number } }>('/api/status/cluster');
  print(status, () => [`cluster ${status.status}`, `agents ${status.agents.total} ${JSON.stringify(status.agents.byStatus)}`, `tasks queued ${status.tasks.queued} ${JSON.stringify(status.tasks.byStatus)}`,
    `alerts firing ${status.alerts.firing}`].join('\n'));
});

const events = program.command('events').description('live events');
events.command('tail <topics...>')
  .description('print live events of topics (agent.{id}, execution.{id}, cluster.status, alerts.{info|warning|critical}, user.{id}) until Ctrl-C')
  .option('--count <n>', 'stop after this many events', integer('--count', 1, 1_000_000))
  .option('--for <seconds>', 'stop after this many seconds', integer('--for', 1, 86_400))
  .action(async (topics: string[], options: { count?: number; for?: number }) => {
    const client = api();
    const live = new LiveClient(client.baseUrl, client.bearer ?? '');
    let seen = 0;
    let done: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (done = resolve));
    live.onData = (message) => {
      seen++;
      if (json()) process.stdout.write(`${JSON.stringify(message)}\n`);
      else process.stdout.write(`${message.timestamp} ${message.topic} ${String(message.data?.['event'] ?? '')} ${JSON.stringify(Object.fromEntries(Object.entries(message.data ?? {}).filter(([k]) => k !== 'event')))}\n`);
      if (options.count !== undefined && seen >= options.count) done();
    };
    live.onReconnect = () => process.stderr.write('reconnected; subscriptions renewed (events during the gap are not replayed)\n');
    await live.connect();
    for (const topic of topics) await live.subscribe(topic);
    process.stderr.write(`listening on ${topics.join(', ')}\n`);
    if (options.for !== undefined) setTimeout(done, options.for * 1000).unref();
    process.once('SIGINT', done);
    await finished;
    live.close();
  });

const REBUILD_PATH = '/api/admin/projections/{name}/rebuild';
const projections = program.command('projections').description('read models');
projections.command('rebuild <name>')
  .description("rebuild a read model from offset 0 (needs the gateway's admin endpoint POST /api/admin/projections/{name}/rebuild)")
  .action(async (name: string) => {
    const client = api();
    // Ask the gateway's OpenAPI document whether it offers the operation, rather than guessing from a 404.
    const openapi = await client.get<{ paths?: Record<string, unknown> }>('/api/openapi.json');
    if (!openapi.paths?.[REBUILD_PATH]) {
      throw new CliError(`the gateway at ${client.baseUrl} does not expose projection rebuilds (no POST ${REBUILD_PATH} in /api/openapi.json); a service rebuilds its read models itself when their version changes`, ExitCode.unsupported);
    }
    const result = await client.request<Record<string, unknown>>('POST', REBUILD_PATH.replace('{name}', enc(name)), {}, { idempotent: true });
    print(result, () => `projection ${name} rebuilding (${JSON.stringify(result)})`);
  });

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk: string) => (text += chunk));
    process.stdin.on('end', () => resolve(text));
    process.stdin.on('error', reject);
  });
}

async function main(argv: readonly string[]): Promise<number> {
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are not errors; everything else commander reports (unknown flag or command, missing argument) is a usage error.
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.help' || error.code === 'commander.version' ? ExitCode.ok : ExitCode.usage;
    }
    if (error instanceof CliError) {
      if (json()) process.stderr.write(`${JSON.stringify({ error: error.message, exitCode: error.code, ...(error.details ? { problem: error.details } : {}) })}\n`);
      else process.stderr.write(`hive: ${error.message}\n`);
      return error.code;
    }
    process.stderr.write(`hive: ${(error as Error).stack ?? String(error)}\n`);
    return ExitCode.failure;
  }
}

void main(process.argv).then((code) => {
  process.exitCode = code;
  // Open sockets or timers must not keep a finished command alive.
  setImmediate(() => process.exit(code));
});
