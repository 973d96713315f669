import { createHash } from 'node:crypto';
import type { CallMcpToolData, CreateTaskData } from '@hive/contracts';
import type { JsonObject, JsonValue, N8nItem } from '../n8n/n8n-workflow.types';
import { NodeTypes } from '../n8n/node-types';
import type { CompiledWorkflow } from '../n8n/compiled-workflow';
import { isObject, NodeError, type NodeContext } from './node-context';

export interface HttpRequestSpec {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
  readonly timeoutMs: number;
  readonly responseFormat: 'autodetect' | 'json' | 'text';
  readonly fullResponse: boolean;
  readonly neverError: boolean;
}

/** What an effect node does, resolved from its parameters when it starts (so a resumed run repeats exactly the same thing). */
export type EffectSpec =
  | { readonly kind: 'http'; readonly requests: readonly HttpRequestSpec[] }
  | { readonly kind: 'timer'; readonly dueAt: string }
  | { readonly kind: 'task'; readonly tasks: readonly CreateTaskData[]; readonly output: 'task' | 'llmChain' }
  | { readonly kind: 'mcp'; readonly calls: readonly CallMcpToolData[] }
  | { readonly kind: 'subworkflow'; readonly workflowId: string; readonly runs: ReadonlyArray<{ readonly executionId: string; readonly input: JsonObject }> };

export interface EffectOptions {
  /** Hosts an HTTP Request node may call (`*` allows any; `*.example.com` a domain and its subdomains). */
  readonly allowedHosts: readonly string[];
  readonly defaultHttpTimeoutMs: number;
}

/** Ids derived from the execution, node, run and attempt: a resumed node asks for the same thing under the same id. */
export const effectId = (prefix: string, ...parts: ReadonlyArray<string | number>): string =>
  `${prefix}-${createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32)}`;

export function hostAllowed(host: string, allowed: readonly string[]): boolean {
  const h = host.toLowerCase();
  return allowed.some((rule) => {
    const r = rule.trim().toLowerCase();
    if (r === '*') return true;
    if (r.startsWith('*.')) return h === r.slice(2) || h.endsWith(r.slice(1));
    return h === r;
  });
}

const pairs = (ctx: NodeContext, raw: JsonValue | undefined, index: number): Array<[string, string]> => {
  const list = isObject(raw) && Array.isArray(raw['parameters']) ? raw['parameters'] : [];
  return list.flatMap((p) => (isObject(p) ? [[String(ctx.params.resolve(p['name'], index) ?? ''), stringOf(ctx.params.resolve(p['value'], index))] as [string, string]] : []));
};
const stringOf = (v: JsonValue | undefined): string => (v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

function httpRequests(ctx: NodeContext, options: EffectOptions): HttpRequestSpec[] {
  const p = ctx.node.parameters;
  const items = ctx.inputs[0] ?? [];
  return items.map((_, index) => {
    const method = String(ctx.params.resolve(p['method'] ?? p['requestMethod'] ?? 'GET', index)).toUpperCase();
    const rawUrl = String(ctx.params.resolve(p['url'], index) ?? '');
    let url: URL;
    try {
      url = new URL(rawUrl);
    } catch {
      throw new NodeError(`Invalid URL: "${rawUrl}"`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new NodeError(`Only http and https URLs are allowed, not "${url.protocol}"`);
    if (!hostAllowed(url.hostname, options.allowedHosts)) throw new NodeError(`Host "${url.hostname}" is not in the HTTP Request allow-list (WORKFLOW_HTTP_ALLOWED_HOSTS)`);
    if (p['sendQuery'] === true) for (const [k, v] of pairs(ctx, p['queryParameters'], index)) url.searchParams.append(k, v);
    const headers: Record<string, string> = {};
    if (p['sendHeaders'] === true) for (const [k, v] of pairs(ctx, p['headerParameters'], index)) headers[k.toLowerCase()] = v;
    let body: string | undefined;
    if (p['sendBody'] === true) {
      const contentType = String(p['contentType'] ?? 'json');
      if (contentType === 'json') {
        headers['content-type'] ??= 'application/json';
        if (p['specifyBody'] === 'json') {
          const raw = ctx.params.resolve(p['jsonBody'], index);
          body = typeof raw === 'string' ? raw : JSON.stringify(raw ?? {});
        } else body = JSON.stringify(Object.fromEntries(pairs(ctx, p['bodyParameters'], index)));
      } else if (contentType === 'form-urlencoded') {
        headers['content-type'] ??= 'application/x-www-form-urlencoded';
        body = new URLSearchParams(pairs(ctx, p['bodyParameters'], index)).toString();
      } else {
        headers['content-type'] ??= String(p['rawContentType'] ?? 'text/plain');
        body = stringOf(ctx.params.resolve(p['body'], index));
      }
    }
    const opts = isObject(p['options']) ? p['options'] : {};
    const response = isObject(opts['response']) && isObject(opts['response']['response']) ? opts['response']['response'] : {};
    const format = String(response['responseFormat'] ?? 'autodetect');
    return {
      method, url: url.toString(), headers, ...(body === undefined ? {} : { body }),
      timeoutMs: Number(opts['timeout'] ?? options.defaultHttpTimeoutMs),
      responseFormat: format === 'json' || format === 'text' ? format : 'autodetect',
      fullResponse: response['fullResponse'] === true,
      neverError: response['neverError'] === true,
    };
  });
}

const unitMs: Record<string, number> = { seconds: 1e3, minutes: 6e4, hours: 36e5, days: 864e5 };

function waitUntil(ctx: NodeContext): string {
  const p = ctx.node.parameters;
  const resume = String(p['resume'] ?? 'timeInterval');
  if (resume === 'timeInterval') {
    const amount = Number(ctx.params.resolve(p['amount'] ?? 1, 0));
    const unit = String(p['unit'] ?? (ctx.node.typeVersion >= 1.1 ? 'seconds' : 'hours'));
    if (!Number.isFinite(amount) || amount < 0) throw new NodeError(`Wait: amount must be a non-negative number, got ${String(amount)}`);
    return new Date(ctx.nowMs + amount * (unitMs[unit] ?? 1e3)).toISOString();
  }
  if (resume === 'specificTime') {
    const at = Date.parse(String(ctx.params.resolve(p['dateTime'], 0)));
    if (Number.isNaN(at)) throw new NodeError('Wait: "dateTime" is not a valid date');
    return new Date(Math.max(at, ctx.nowMs)).toISOString();
  }
  throw new NodeError(`Wait: resuming on "${resume}" is not supported (timeInterval and specificTime are)`);
}

const numberParam = (ctx: NodeContext, name: string, fallback: number, index = 0): number => {
  const v = Number(ctx.params.resolve(ctx.node.parameters[name] ?? fallback, index));
  return Number.isFinite(v) ? v : fallback;
};

function agentTasks(ctx: NodeContext, attempt: number): CreateTaskData[] {
  const p = ctx.node.parameters;
  return (ctx.inputs[0] ?? []).map((_, index) => {
    const capabilities = String(ctx.params.resolve(p['capabilities'] ?? '', index) ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const model = ctx.params.resolve(p['model'], index);
    const system = ctx.params.resolve(p['system'], index);
    return {
      taskId: effectId('wft', ctx.executionId, ctx.node.name, ctx.runIndex, attempt, index),
      title: String(ctx.params.resolve(p['title'] ?? ctx.node.name, index)).slice(0, 255) || ctx.node.name,
      type: String(p['taskType'] ?? 'workflow_node'),
      priority: numberParam(ctx, 'priority', 5, index),
      requiredCapabilities: capabilities.map((name) => ({ name, minProficiency: 0 })),
      prompt: requiredText(ctx.params.resolve(p['prompt'], index), 'Agent task: the prompt is empty'),
      ...(typeof model === 'string' && model !== '' ? { model } : {}),
      ...(typeof system === 'string' && system !== '' ? { system } : {}),
      dependsOn: [],
      timeoutMs: numberParam(ctx, 'timeoutMs', 300_000, index),
      // Retries belong to the node (retryOnFail): a failed task is final for the coordinator.
      maxRetries: 0,
      executionId: ctx.executionId,
      nodeName: ctx.node.name,
    };
  });
}

const requiredText = (v: JsonValue | undefined, message: string): string => {
  const text = v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  if (text.trim() === '') throw new NodeError(message);
  return text;
};

/** n8n's Basic LLM Chain with an Ollama or OpenAI chat model attached: one Hive agent task per item. */
function llmChainTasks(ctx: NodeContext, workflow: CompiledWorkflow, attempt: number): CreateTaskData[] {
  const p = ctx.node.parameters;
  const modelNode = workflow.attached.get(ctx.node.name)?.get('ai_languageModel')?.[0];
  const model = modelNode ? workflow.nodes.get(modelNode) : undefined;
  if (!model) throw new NodeError(`Basic LLM Chain "${ctx.node.name}" has no chat model attached`);
  const provider = model.type === NodeTypes.lmChatOllama || model.type === NodeTypes.lmOllama ? 'ollama' : 'openai';
  const modelName = model.parameters['model'];
  const modelValue = isObject(modelName) ? modelName['value'] : modelName;
  const modelOptions = isObject(model.parameters['options']) ? model.parameters['options'] : {};
  const messages = isObject(p['messages']) && Array.isArray(p['messages']['messageValues']) ? p['messages']['messageValues'] : [];
  return (ctx.inputs[0] ?? []).map((item, index) => {
    const prompt = p['promptType'] === 'define' ? ctx.params.resolve(p['text'], index) : (item.json['chatInput'] ?? ctx.params.resolve(p['text'], index));
    const system = messages.filter((m) => isObject(m) && (m['type'] ?? 'SystemMessagePromptTemplate') === 'SystemMessagePromptTemplate')
      .map((m) => String(ctx.params.resolve((m as JsonObject)['message'], index) ?? '')).join('\n');
    return {
      taskId: effectId('wft', ctx.executionId, ctx.node.name, ctx.runIndex, attempt, index),
      title: `${ctx.node.name} (${provider})`.slice(0, 255),
      type: 'llm_chain',
      priority: 5,
      requiredCapabilities: [],
      prompt: requiredText(prompt as JsonValue, `Basic LLM Chain "${ctx.node.name}": the prompt is empty`),
      ...(typeof modelValue === 'string' && modelValue !== '' ? { model: modelValue } : {}),
      ...(system !== '' ? { system } : {}),
      ...(Object.keys(modelOptions).length > 0 ? { payload: { options: modelOptions } } : {}),
      dependsOn: [],
      timeoutMs: 300_000,
      maxRetries: 0,
      executionId: ctx.executionId,
      nodeName: ctx.node.name,
    };
  });
}

function mcpCalls(ctx: NodeContext, attempt: number): CallMcpToolData[] {
  const p = ctx.node.parameters;
  return (ctx.inputs[0] ?? []).map((_, index) => {
    const args = ctx.params.resolve(p['arguments'] ?? {}, index);
    const parsed = typeof args === 'string' ? (JSON.parse(args || '{}') as JsonValue) : args;
    if (!isObject(parsed)) throw new NodeError('MCP tool: arguments must be a JSON object');
    const callId = effectId('wfm', ctx.executionId, ctx.node.name, ctx.runIndex, attempt, index);
    return {
      callId, idempotencyKey: callId,
      serverId: String(ctx.params.resolve(p['serverId'], index) ?? ''),
      tool: String(ctx.params.resolve(p['tool'], index) ?? ''),
      arguments: parsed,
      timeoutMs: numberParam(ctx, 'timeoutMs', 60_000, index),
    };
  });
}

function subworkflow(ctx: NodeContext, attempt: number): EffectSpec {
  const p = ctx.node.parameters;
  const source = String(p['source'] ?? 'database');
  if (source !== 'database') throw new NodeError(`Execute Workflow: source "${source}" is not supported (database is)`);
  // n8n 1.x exports the workflow as a resource locator: { __rl: true, value, mode, cachedResultName }.
  const chosen = ctx.params.resolve(p['workflowId'], 0);
  const workflowId = String((isObject(chosen) ? chosen['value'] : chosen) ?? '');
  if (workflowId === '') throw new NodeError('Execute Workflow: no workflow chosen');
  const items = ctx.inputs[0] ?? [];
  const mode = String((isObject(p['options']) ? p['options']['mode'] : undefined) ?? p['mode'] ?? 'once');
  const inputs: JsonObject[] = mode === 'each' ? items.map((i) => ({ items: [i.json] })) : [{ items: items.map((i) => i.json) }];
  return {
    kind: 'subworkflow', workflowId,
    runs: inputs.map((input, index) => ({ executionId: effectId('wfx', ctx.executionId, ctx.node.name, ctx.runIndex, attempt, index), input })),
  };
}

/** Resolves what an effect node will do. Throws NodeError for a node that cannot start (bad URL, host not allowed...). */
export function prepareEffect(ctx: NodeContext, workflow: CompiledWorkflow, attempt: number, options: EffectOptions): EffectSpec {
  switch (ctx.node.type) {
    case NodeTypes.httpRequest: return { kind: 'http', requests: httpRequests(ctx, options) };
    case NodeTypes.wait: return { kind: 'timer', dueAt: waitUntil(ctx) };
    case NodeTypes.hiveAgentTask: return { kind: 'task', tasks: agentTasks(ctx, attempt), output: 'task' };
    case NodeTypes.chainLlm: return { kind: 'task', tasks: llmChainTasks(ctx, workflow, attempt), output: 'llmChain' };
    case NodeTypes.hiveMcpTool: return { kind: 'mcp', calls: mcpCalls(ctx, attempt) };
    case NodeTypes.executeWorkflow: return subworkflow(ctx, attempt);
    default: throw new NodeError(`node type ${ctx.node.type} is not an effect`);
  }
}

/** The items an effect node outputs once every one of its calls has an outcome. */
export type EffectResult = { readonly items: readonly N8nItem[] } | { readonly error: string; readonly retriable: boolean };

/** A finished task as the node outputs it: `{ result }` for the agent task node, `{ text }` for n8n's Basic LLM Chain. */
export function taskOutputItem(output: 'task' | 'llmChain', result: string, resultJson: JsonObject | undefined, index: number): N8nItem {
  if (output === 'llmChain') return { json: { text: result }, pairedItem: { item: index } };
  return { json: { result, ...(resultJson ? { resultJson } : {}) }, pairedItem: { item: index } };
}
