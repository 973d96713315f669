import { prefixedToolName } from '../registry/tool-names';

/** An n8n node as it appears in workflow JSON (only what the translation reads). */
export interface N8nNodeLike {
  readonly name?: unknown;
  readonly type?: unknown;
  readonly parameters?: unknown;
}

/** An MCP tool specification: name, description and JSON schema of its input. */
export interface McpToolSpec {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: { readonly type: 'object'; readonly properties: Record<string, unknown>; readonly required?: readonly string[] };
}

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const obj = (value: unknown): Record<string, unknown> => (value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : {});

/** An n8n expression (`={{ ... }}`) is resolved at run time: it is no default for a tool input. */
const literal = (value: unknown): string | undefined => {
  const s = str(value);
  return s !== undefined && !s.startsWith('=') ? s : undefined;
};

/**
 * The Hive document's translation of n8n nodes into MCP tools:
 * `n8n-nodes-base.httpRequest` becomes `http_request` (its URL, method,
 * headers and body as inputs, the node's literal values as defaults) and
 * `n8n-nodes-base.code` becomes `code_execution` (code and language). Hive's
 * own MCP tool node maps to the server-prefixed tool it calls. Other nodes
 * have no tool form (undefined).
 */
export function translateN8nNode(node: N8nNodeLike): McpToolSpec | undefined {
  const p = obj(node.parameters);
  switch (node.type) {
    case 'n8n-nodes-base.httpRequest': {
      const method = literal(p['method'])?.toUpperCase() ?? 'GET';
      const url = literal(p['url']);
      return {
        name: 'http_request',
        description: str(p['description']) ?? `HTTP request${url ? ` (${method} ${url})` : ''}, as the n8n node "${String(node.name ?? 'HTTP Request')}" does`,
        inputSchema: {
          type: 'object',
          properties: {
            url: { type: 'string', format: 'uri', description: 'URL to call', ...(url ? { default: url } : {}) },
            method: { type: 'string', enum: HTTP_METHODS, default: HTTP_METHODS.includes(method) ? method : 'GET' },
            headers: { type: 'object', additionalProperties: { type: 'string' }, description: 'Request headers' },
            query: { type: 'object', additionalProperties: { type: 'string' }, description: 'Query string parameters' },
            body: { description: 'Request body (JSON value or string)' },
            timeoutMs: { type: 'integer', minimum: 1, default: Number(obj(p['options'])['timeout'] ?? 30_000) },
          },
          required: url ? [] : ['url'],
        },
      };
    }
    case 'n8n-nodes-base.code': {
      const language = literal(p['language']) ?? 'javaScript';
      const code = literal(language === 'python' ? p['pythonCode'] : p['jsCode']);
      return {
        name: 'code_execution',
        description: 'Execute custom code',
        inputSchema: {
          type: 'object',
          properties: {
            code: { type: 'string', description: 'Source code to run', ...(code ? { default: code } : {}) },
            language: { type: 'string', enum: ['javaScript', 'python'], default: language },
          },
          required: code ? [] : ['code'],
        },
      };
    }
    case 'n8n-nodes-hive.mcpTool': {
      const serverId = literal(p['serverId']);
      const tool = literal(p['tool']);
      if (!serverId || !tool) return undefined;
      return {
        name: prefixedToolName(serverId, tool), description: `Tool "${tool}" of the MCP server "${serverId}"`,
        inputSchema: { type: 'object', properties: {} },
      };
    }
    default:
      return undefined;
  }
}

/** Every node of an n8n workflow JSON with its MCP tool form, and the nodes that have none. */
export function translateN8nWorkflow(n8nData: unknown): { tools: Array<McpToolSpec & { node: string }>; untranslated: Array<{ node: string; type: string }> } {
  const nodes = obj(n8nData)['nodes'];
  const tools: Array<McpToolSpec & { node: string }> = [];
  const untranslated: Array<{ node: string; type: string }> = [];
  for (const raw of Array.isArray(nodes) ? nodes : []) {
    const node = obj(raw) as N8nNodeLike;
    const spec = translateN8nNode(node);
    if (spec) tools.push({ node: String(node.name ?? ''), ...spec });
    else untranslated.push({ node: String(node.name ?? ''), type: String(node.type ?? '') });
  }
  return { tools, untranslated };
}
