#!/usr/bin/env node
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { isJSONRPCRequest, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/**
 * `hive-mcp`: Hive's MCP server over stdio, for coding assistants that start
 * their MCP servers as processes. It relays every JSON-RPC message to Hive's
 * Streamable HTTP endpoint with the caller's token, so stdio and HTTP clients
 * see the same tools, tenant and permissions.
 *
 *   HIVE_MCP_URL=http://127.0.0.1:3000/mcp HIVE_TOKEN=<token> hive-mcp
 */
const url = process.argv[2] ?? process.env['HIVE_MCP_URL'] ?? 'http://127.0.0.1:3000/mcp';
const token = process.env['HIVE_TOKEN'];
if (!token) {
  process.stderr.write('hive-mcp: set HIVE_TOKEN to a Hive access token (POST /api/auth/login on the gateway, or a dev token)\n');
  process.exit(2);
}

const upstream = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${token}` } } });
const local = new StdioServerTransport();

local.onmessage = (message: JSONRPCMessage) => {
  upstream.send(message).catch((error: unknown) => {
    const reason = error instanceof Error ? error.message : String(error);
    process.stderr.write(`hive-mcp: ${url}: ${reason}\n`);
    if (isJSONRPCRequest(message)) void local.send({ jsonrpc: '2.0', id: message.id, error: { code: -32603, message: `Hive at ${url} did not answer: ${reason}` } });
  });
};
upstream.onmessage = (message) => void local.send(message);
upstream.onerror = (error) => process.stderr.write(`hive-mcp: ${error.message}\n`);
local.onclose = () => void upstream.close().finally(() => process.exit(0));

void (async () => {
  await upstream.start();
  await local.start();
})();
