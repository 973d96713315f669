import { randomUUID } from 'node:crypto';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult, ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import {
  AGENT_PROVIDERS, CreateTask, ImportWorkflow, RegisterAgent, StartExecution, type CreateTaskData, type JsonObject, type RegisterAgentData,
} from '@hive/contracts';
import { can, type Permission, type Principal } from '../auth/principal';
import type { HiveViewReadModel, TaskView } from '../hive-view/hive-view.read-model';
import type { McpRegistry } from '../registry/mcp-registry';
import { CommandError, type CommandOutcome, type HiveCommands } from './hive-commands';
import { translateN8nWorkflow } from './n8n-node-translation';
import { prometheusText } from './prometheus-text';

export interface HiveServerDeps {
  readonly view: HiveViewReadModel;
  readonly commands: HiveCommands;
  readonly registry: McpRegistry;
  /** Re-evaluates `check` whenever the read models change, until it returns a value or the time is up. */
  readonly waitForView: <T>(check: () => Promise<T | undefined>, timeoutMs: number) => Promise<T | undefined>;
  /** How long a write waits for the read model to show its effect. */
  readonly readYourWritesMs: number;
  readonly coordinateTimeoutMs: number;
}

/** A failure the model can act on: it becomes an MCP tool error with this message. */
class ToolFailure extends Error {}

const json = (value: unknown): CallToolResult => ({
  content: [{ type: 'text', text: JSON.stringify(value, null, 2) }],
  structuredContent: (value !== null && typeof value === 'object' && !Array.isArray(value) ? value : { value }) as Record<string, unknown>,
});
const failure = (message: string): CallToolResult => ({ isError: true, content: [{ type: 'text', text: message }] });

const REJECTION_HINT: Record<string, string> = {
  not_found: 'check the id with the matching list_ tool',
  already_exists: 'use another id, or get the existing one',
  invalid: 'fix the arguments and call again',
  conflict: 'read the current state and try again',
  forbidden: 'this token may not do that',
  limit_exceeded: 'wait for running work to finish, or lower the request',
  unavailable: 'retry in a moment',
};

const limit = z.number().int().min(1).max(500).optional().describe('Most items to return (default 50)');
const capability = z.object({ name: z.string().min(1).max(64), proficiency: z.number().min(0).max(1).optional() });
const taskFields = {
  title: z.string().min(1).max(255).describe('Short title'),
  prompt: z.string().min(1).max(200_000).describe('What the agent should do'),
  type: z.string().regex(/^[a-z][a-z0-9_.-]{0,63}$/).optional().describe('Kind of work, e.g. code_generation, code_review (default general)'),
  description: z.string().max(10_000).optional(),
  system: z.string().min(1).max(50_000).optional().describe('System prompt'),
  model: z.string().min(1).max(255).optional().describe('Model to use; the agent\'s own when absent'),
  priority: z.number().int().min(0).max(1000).optional().describe('Higher runs first (default 5)'),
  requiredCapabilities: z.array(capability).max(32).optional().describe('Capabilities an agent needs, e.g. [{"name":"code_review","proficiency":0.7}]'),
  timeoutMs: z.number().int().min(1000).max(86_400_000).optional().describe('Time one attempt may run (default 300000)'),
  maxRetries: z.number().int().min(0).max(10).optional().describe('Retries after a failure (default 2)'),
};
type TaskFields = z.infer<z.ZodObject<typeof taskFields>>;

const taskData = (taskId: string, f: TaskFields, dependsOn: string[]): CreateTaskData => ({
  taskId, title: f.title, type: f.type ?? 'general', priority: f.priority ?? 5, prompt: f.prompt, dependsOn,
  requiredCapabilities: (f.requiredCapabilities ?? []).map((c) => ({ name: c.name, minProficiency: c.proficiency ?? 0 })),
  timeoutMs: f.timeoutMs ?? 300_000, maxRetries: f.maxRetries ?? 2,
  ...(f.description !== undefined ? { description: f.description } : {}), ...(f.system ? { system: f.system } : {}), ...(f.model ? { model: f.model } : {}),
});

/**
 * Hive's own MCP server for one caller: tools and resources over the bridge's
 * read models and the other services' commands, all scoped to the caller's
 * tenant. Only the tools the caller's roles allow are listed. A new instance
 * serves each request (stateless Streamable HTTP) or each stdio session.
 */
/** A workflow tagged `mcp`, offered as a tool of its own. */
export interface ExposedWorkflow {
  readonly workflowId: unknown;
  readonly name: unknown;
  readonly description: unknown;
}

/** The tool name of an exposed workflow: `workflow__<id>` in the characters MCP tool names allow. */
export const workflowToolName = (workflowId: string): string => `workflow__${workflowId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 54)}`;

export function createHiveMcpServer(principal: Principal, deps: HiveServerDeps, exposed: readonly ExposedWorkflow[] = []): McpServer {
  const server = new McpServer({ name: 'hive', version: '0.1.0' }, {
    capabilities: { tools: {}, resources: {} },
    instructions: 'Hive orchestrates AI agents, tasks and n8n workflows. Use list_agents and cluster_status to see what is available, create_task or coordinate_development to get work done, and list_workflows / execute_workflow to run workflows.',
  });
  const { tenant } = principal;
  const { view, commands } = deps;

  /** Runs a tool body, turning refusals, timeouts and bad input into tool errors with a next step. */
  const run = async (work: () => Promise<unknown>): Promise<CallToolResult> => {
    try {
      return json(await work());
    } catch (error) {
      if (error instanceof ToolFailure) return failure(error.message);
      if (error instanceof CommandError) {
        return failure(error.kind === 'invalid' ? `invalid arguments: ${error.message}` : error.message);
      }
      throw error;
    }
  };
  const accepted = (outcome: CommandOutcome, what: string): void => {
    if (outcome.accepted) return;
    const details = outcome.details?.length ? ` (${outcome.details.join('; ')})` : '';
    throw new ToolFailure(`${what} was refused (${outcome.code}): ${outcome.reason}${details}; ${REJECTION_HINT[outcome.code] ?? 'see the reason'}`);
  };
  const tool = <S extends z.ZodRawShape>(name: string, permission: Permission, config: { title: string; description: string; inputSchema: S; readOnly: boolean },
    handler: (args: z.infer<z.ZodObject<S>>) => Promise<unknown>): void => {
    if (!can(principal, permission)) return;
    server.registerTool(name, {
      title: config.title, description: config.description, inputSchema: config.inputSchema,
      annotations: { readOnlyHint: config.readOnly, idempotentHint: config.readOnly, openWorldHint: false },
    }, ((args: z.infer<z.ZodObject<S>>) => run(() => handler(args))) as never);
  };
  const notFound = (what: string, id: string, listTool: string): never => {
    throw new ToolFailure(`${what} "${id}" not found in tenant "${tenant}"; call ${listTool} to see the ids there are`);
  };

  // ---- agents ----
  tool('list_agents', 'agents.view', {
    title: 'List agents', readOnly: true,
    description: 'Agents (LLM endpoints) that can run this tenant\'s tasks, with model, capabilities and status (online, busy, degraded, offline).',
    inputSchema: { status: z.enum(['online', 'busy', 'degraded', 'offline', 'deregistered']).optional(), capability: z.string().optional().describe('Only agents with this capability'), limit },
  }, async (a) => ({ agents: await view.agents(tenant, { status: a.status, capability: a.capability, limit: a.limit ?? 50 }) }));

  tool('get_agent', 'agents.view', {
    title: 'Get an agent', readOnly: true, description: 'One agent by id.', inputSchema: { agentId: z.string().min(1).max(63) },
  }, async (a) => (await view.agent(tenant, a.agentId)) ?? notFound('agent', a.agentId, 'list_agents'));

  tool('register_agent', 'agents.manage', {
    title: 'Register an agent', readOnly: false,
    description: 'Register an LLM endpoint (Ollama or OpenAI-compatible) as an agent of this tenant.',
    inputSchema: {
      agentId: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/).describe('Lower-case id, e.g. acacia'),
      name: z.string().min(1).max(255), endpoint: z.string().url().describe('Base URL, e.g. http://10.0.0.5:11434'),
      model: z.string().min(1).max(255), provider: z.enum(AGENT_PROVIDERS),
      capabilities: z.array(z.object({ name: z.string().min(1).max(64), proficiency: z.number().min(0).max(1) })).max(64),
      maxConcurrent: z.number().int().min(1).max(1024).optional().describe('Tasks it may run at once (default 1)'),
      specialization: z.string().min(1).max(100).optional(),
    },
  }, async (a) => {
    const data: RegisterAgentData = {
      agentId: a.agentId, name: a.name, endpoint: a.endpoint, model: a.model, provider: a.provider, capabilities: a.capabilities,
      maxConcurrent: a.maxConcurrent ?? 1, ...(a.specialization ? { specialization: a.specialization } : {}),
    };
    accepted(await commands.execute(RegisterAgent, tenant, a.agentId, data, principal.subject), `registering agent "${a.agentId}"`);
    return (await deps.waitForView(() => view.agent(tenant, a.agentId), deps.readYourWritesMs)) ?? { agentId: a.agentId, accepted: true };
  });

  // ---- tasks ----
  tool('create_task', 'tasks.create', {
    title: 'Create a task', readOnly: false,
    description: 'Create a task for an agent to run. Returns the task; poll get_task for its result.',
    inputSchema: { taskId: z.string().min(1).max(128).optional().describe('Your id for the task (makes a retry safe); generated when absent'), ...taskFields,
      dependsOn: z.array(z.string().min(1).max(128)).max(100).optional().describe('Task ids that must complete first') },
  }, async (a) => {
    const taskId = a.taskId ?? `mcp-${randomUUID()}`;
    accepted(await commands.execute(CreateTask, tenant, taskId, taskData(taskId, a, a.dependsOn ?? []), principal.subject), `creating task "${taskId}"`);
    return (await deps.waitForView(() => view.task(tenant, taskId), deps.readYourWritesMs)) ?? { taskId, accepted: true };
  });

  tool('get_task', 'tasks.view', {
    title: 'Get a task', readOnly: true, description: 'One task with its status, agent and (once completed) result.', inputSchema: { taskId: z.string().min(1).max(128) },
  }, async (a) => (await view.task(tenant, a.taskId)) ?? notFound('task', a.taskId, 'list_tasks'));

  tool('list_tasks', 'tasks.view', {
    title: 'List tasks', readOnly: true, description: 'This tenant\'s tasks, newest first.',
    inputSchema: {
      status: z.enum(['waiting', 'queued', 'assigned', 'running', 'completed', 'failed', 'timed_out', 'retry_scheduled', 'cancelled']).optional(),
      state: z.enum(['active', 'finished']).optional().describe('active: not finished yet; finished: completed, failed for good or cancelled'), limit,
    },
  }, async (a) => ({ tasks: await view.tasks(tenant, { status: a.status, state: a.state, limit: a.limit ?? 50 }) }));

  // ---- workflows and executions ----
  tool('list_workflows', 'workflows.view', {
    title: 'List workflows', readOnly: true, description: 'This tenant\'s n8n workflows with their versions and whether they are active.',
    inputSchema: { active: z.boolean().optional(), limit },
  }, async (a) => ({ workflows: await view.workflows(tenant, { active: a.active, limit: a.limit ?? 50 }) }));

  tool('create_workflow', 'workflows.create', {
    title: 'Create a workflow', readOnly: false,
    description: 'Import n8n workflow JSON (as exported by n8n) as a new workflow, or as a new version when the id exists.',
    inputSchema: {
      workflowId: z.string().min(1).max(128).optional(), name: z.string().min(1).max(255), description: z.string().max(10_000).optional(),
      n8nData: z.record(z.string(), z.unknown()).describe('The n8n workflow JSON: { nodes: [...], connections: {...} }'),
      activate: z.boolean().optional().describe('Activate at once (default false)'),
    },
  }, async (a) => {
    const workflowId = a.workflowId ?? `mcp-${randomUUID()}`;
    accepted(await commands.execute(ImportWorkflow, tenant, workflowId, {
      workflowId, name: a.name, n8nData: a.n8nData as JsonObject, ...(a.description !== undefined ? { description: a.description } : {}), ...(a.activate !== undefined ? { activate: a.activate } : {}),
    }, principal.subject), `importing workflow "${workflowId}"`);
    return (await deps.waitForView(() => view.workflow(tenant, workflowId), deps.readYourWritesMs)) ?? { workflowId, accepted: true };
  });

  tool('execute_workflow', 'executions.start', {
    title: 'Execute a workflow', readOnly: false,
    description: 'Run a workflow with an input. With wait=true, waits (up to waitMs) for it to finish and returns its output.',
    inputSchema: {
      workflowId: z.string().min(1).max(128), input: z.record(z.string(), z.unknown()).optional(), workflowVersion: z.number().int().min(1).optional(),
      executionId: z.string().min(1).max(128).optional(), wait: z.boolean().optional(), waitMs: z.number().int().min(100).max(600_000).optional(),
    },
  }, async (a) => startExecution(a.workflowId, a.input ?? {}, { wait: a.wait ?? false, waitMs: a.waitMs ?? 60_000, version: a.workflowVersion, executionId: a.executionId }));

  /** StartExecution, then the execution as the read model shows it (finished, with wait). */
  async function startExecution(workflowId: string, input: Record<string, unknown>, o: { wait: boolean; waitMs: number; version?: number; executionId?: string }) {
    const executionId = o.executionId ?? `mcp-${randomUUID()}`;
    accepted(await commands.execute(StartExecution, tenant, executionId, {
      executionId, workflowId, input: input as JsonObject, ...(o.version ? { workflowVersion: o.version } : {}),
    }, principal.subject), `starting workflow "${workflowId}"`);
    const finished = (e: Awaited<ReturnType<HiveViewReadModel['execution']>>) => (e && e.status !== 'running' ? e : undefined);
    const execution = o.wait
      ? await deps.waitForView(async () => finished(await view.execution(tenant, executionId)), o.waitMs) ?? await view.execution(tenant, executionId)
      : await deps.waitForView(() => view.execution(tenant, executionId), deps.readYourWritesMs);
    return execution ?? { executionId, workflowId, accepted: true };
  }

  // Workflows tagged "mcp" in n8n, each as a tool that runs it and returns its output.
  const names = new Set<string>();
  for (const workflow of exposed) {
    const workflowId = String(workflow.workflowId);
    const name = workflowToolName(workflowId);
    if (names.has(name)) continue;
    names.add(name);
    tool(name, 'executions.start', {
      title: `Run workflow "${String(workflow.name)}"`, readOnly: false,
      description: `${typeof workflow.description === 'string' && workflow.description ? `${workflow.description} ` : ''}(runs the Hive workflow "${String(workflow.name)}" with the input and returns its output)`,
      inputSchema: { input: z.record(z.string(), z.unknown()).optional().describe('Input handed to the workflow\'s trigger'), waitMs: z.number().int().min(100).max(600_000).optional() },
    }, async (a) => startExecution(workflowId, a.input ?? {}, { wait: true, waitMs: a.waitMs ?? 60_000 }));
  }

  tool('get_execution', 'executions.view', {
    title: 'Get an execution', readOnly: true, description: 'One workflow execution with its status, output or error.', inputSchema: { executionId: z.string().min(1).max(128) },
  }, async (a) => (await view.execution(tenant, a.executionId)) ?? notFound('execution', a.executionId, 'list_executions'));

  tool('list_executions', 'executions.view', {
    title: 'List executions', readOnly: true, description: 'Recent workflow executions, newest first.',
    inputSchema: { workflowId: z.string().optional(), status: z.enum(['running', 'completed', 'failed', 'cancelled']).optional(), limit },
  }, async (a) => ({ executions: await view.executions(tenant, { workflowId: a.workflowId, status: a.status, limit: a.limit ?? 50 }) }));

  // ---- cluster ----
  tool('cluster_status', 'status.view', {
    title: 'Cluster status', readOnly: true, description: 'Counts of agents, tasks, workflows and executions by status, and the registered MCP servers.', inputSchema: {},
  }, async () => clusterStatus(tenant, deps));

  tool('get_metrics', 'metrics.view', {
    title: 'Metrics', readOnly: true, description: 'Task throughput, success rate, latency and tokens over a recent window.',
    inputSchema: { windowMinutes: z.number().int().min(1).max(10_080).optional().describe('Window (default 60)') },
  }, async (a) => view.taskMetrics(tenant, a.windowMinutes ?? 60));

  tool('coordinate_development', 'tasks.create', {
    title: 'Coordinate development', readOnly: false,
    description: 'Run a set of development tasks in sequence (each after the previous), in parallel, or mixed (each after the keys in its "after"), wait for them and return their results.',
    inputSchema: {
      mode: z.enum(['sequential', 'parallel', 'mixed']),
      tasks: z.array(z.object({ key: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/).describe('Your name for the task, unique in this call'), ...taskFields,
        after: z.array(z.string()).max(100).optional().describe('mixed mode: keys of tasks that must complete first') })).min(1).max(50),
      timeoutMs: z.number().int().min(100).max(3_600_000).optional().describe(`How long to wait for results (default ${deps.coordinateTimeoutMs})`),
    },
  }, async (a) => {
    if (!can(principal, 'tasks.view')) throw new ToolFailure('coordinate_development returns task results, which needs the tasks.view permission');
    const keys = new Set<string>();
    for (const t of a.tasks) {
      if (keys.has(t.key)) throw new ToolFailure(`task key "${t.key}" appears twice; give each task its own key`);
      keys.add(t.key);
    }
    const run = randomUUID().slice(0, 8);
    const idOf = (key: string) => `dev-${run}-${key}`;
    const created: string[] = [];
    for (const [index, t] of a.tasks.entries()) {
      const after = a.mode === 'sequential' ? (index > 0 ? [a.tasks[index - 1].key] : []) : a.mode === 'parallel' ? [] : t.after ?? [];
      const unknown = after.filter((k) => !keys.has(k) || k === t.key);
      if (unknown.length > 0) throw new ToolFailure(`task "${t.key}" waits for ${unknown.map((k) => `"${k}"`).join(', ')}, which ${unknown.length > 1 ? 'are' : 'is'} not another task of this call`);
      const outcome = await commands.execute(CreateTask, tenant, idOf(t.key), taskData(idOf(t.key), t, after.map(idOf)), principal.subject);
      accepted(outcome, `creating task "${t.key}"${created.length ? ` (after ${created.length} created)` : ''}`);
      created.push(idOf(t.key));
    }
    const timeoutMs = a.timeoutMs ?? deps.coordinateTimeoutMs;
    const done = await deps.waitForView(async () => {
      const rows = await view.tasksById(tenant, created);
      return created.every((id) => rows.get(id)?.final) ? rows : undefined;
    }, timeoutMs);
    const rows = done ?? await view.tasksById(tenant, created);
    const results = a.tasks.map((t) => {
      const row: TaskView | undefined = rows.get(idOf(t.key));
      return { key: t.key, taskId: idOf(t.key), status: row?.status ?? 'waiting', agentId: row?.agentId ?? null, result: row?.result ?? null, error: row?.error ?? null };
    });
    return { mode: a.mode, complete: done !== undefined, ...(done ? {} : { note: `not every task finished within ${timeoutMs} ms; poll get_task with the task ids` }), results };
  });

  // ---- MCP ----
  tool('list_mcp_tools', 'mcp.view', {
    title: 'List external MCP tools', readOnly: true,
    description: 'Tools of the MCP servers registered for this tenant, named <serverId>__<tool>, usable in workflows through the MCP tool node.', inputSchema: {},
  }, async () => ({ tools: deps.registry.tools(tenant).map((t) => ({ name: t.name, serverId: t.serverId, description: t.tool.description ?? null, inputSchema: t.tool.inputSchema })) }));

  tool('translate_n8n_workflow', 'workflows.view', {
    title: 'Translate an n8n workflow into MCP tools', readOnly: true,
    description: 'The MCP tool form of each node of an n8n workflow JSON (httpRequest → http_request, code → code_execution, Hive MCP nodes → their prefixed tool).',
    inputSchema: { n8nData: z.record(z.string(), z.unknown()) },
  }, async (a) => translateN8nWorkflow(a.n8nData));

  registerResources(server, principal, deps);
  return server;
}

async function clusterStatus(tenant: string, deps: HiveServerDeps) {
  const counts = await deps.view.counts(tenant);
  const servers = deps.registry.list(tenant).map((e) => ({ serverId: e.spec.serverId, transport: e.spec.transport, status: e.status, reason: e.reason, tools: e.connection.tools.length }));
  return { tenant, at: new Date().toISOString(), ...counts, mcpServers: servers };
}

function registerResources(server: McpServer, principal: Principal, deps: HiveServerDeps): void {
  const { tenant } = principal;
  const { view } = deps;
  const resource = (name: string, uri: string, permission: Permission, description: string, read: () => Promise<unknown>, mimeType = 'application/json'): void => {
    if (!can(principal, permission)) return;
    server.registerResource(name, uri, { description, mimeType }, async (): Promise<ReadResourceResult> => {
      const value = await read();
      return { contents: [{ uri, mimeType, text: typeof value === 'string' ? value : JSON.stringify(value, null, 2) }] };
    });
  };
  resource('cluster-status', 'hive://cluster/status', 'status.view', 'Agents, tasks, workflows, executions by status; MCP servers', () => clusterStatus(tenant, deps));
  resource('agents', 'hive://agents', 'agents.view', 'Every agent serving this tenant', async () => ({ agents: await view.agents(tenant, { limit: 500 }) }));
  resource('active-tasks', 'hive://tasks/active', 'tasks.view', 'Tasks not finished yet', async () => ({ tasks: await view.tasks(tenant, { state: 'active', limit: 500 }) }));
  resource('completed-tasks', 'hive://tasks/completed', 'tasks.view', 'The latest finished tasks', async () => ({ tasks: await view.tasks(tenant, { state: 'finished', limit: 100 }) }));
  resource('workflows', 'hive://workflows', 'workflows.view', 'Workflows and their versions', async () => ({ workflows: await view.workflows(tenant, { limit: 500 }) }));
  resource('recent-executions', 'hive://executions/recent', 'executions.view', 'The latest workflow executions', async () => ({ executions: await view.executions(tenant, { limit: 50 }) }));
  resource('metrics', 'hive://metrics', 'metrics.view', 'This tenant\'s figures in the Prometheus text format',
    async () => prometheusText(tenant, await view.counts(tenant), await view.taskMetrics(tenant, 60)), 'text/plain; version=0.0.4');
  resource('capabilities', 'hive://capabilities', 'status.view', 'What this Hive offers: agent capabilities, models, workflow node types and MCP tools', async () => {
    const agents = await view.agents(tenant, { limit: 500 });
    const capabilities = new Map<string, number>();
    for (const agent of agents) for (const c of agent.capabilities as Array<{ name: string }>) capabilities.set(c.name, (capabilities.get(c.name) ?? 0) + 1);
    const workflows = await view.workflows(tenant, { limit: 500 });
    return {
      agentCapabilities: Object.fromEntries(capabilities), models: [...new Set(agents.map((a) => a.model))],
      workflowNodeTypes: [...new Set(workflows.flatMap((w) => w.nodeTypes as string[]))],
      mcpTools: deps.registry.tools(tenant).map((t) => t.name),
    };
  });
}
