import type { IncomingMessage, ServerResponse } from 'node:http';
import { All, Controller, Logger, Req, Res } from '@nestjs/common';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { InvalidTokenError } from '../auth/token-verifier';
import { createHiveMcpServer } from './hive-mcp-server';
import { HiveServerRuntime } from './hive-server.runtime';

type Request = IncomingMessage & { body?: unknown };

const jsonRpcError = (res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message }, id: null }));
};

/**
 * Hive's own MCP server over Streamable HTTP at /mcp, stateless: every POST
 * carries a bearer token (the gateway's HS256 JWT), gets a server scoped to
 * the token's tenant and roles, and is answered with JSON. No session ties a
 * client to one bridge instance, so any instance behind the gateway can answer.
 */
@Controller()
export class McpHttpController {
  private readonly logger = new Logger(McpHttpController.name);

  constructor(private readonly runtime: HiveServerRuntime) {}

  @All('mcp')
  async handle(@Req() req: Request, @Res() res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') {
      jsonRpcError(res, 405, 'this MCP server is stateless: send JSON-RPC requests with POST (no SSE stream, no session to delete)', { allow: 'POST' });
      return;
    }
    const header = req.headers.authorization ?? '';
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    const challenge = { 'www-authenticate': 'Bearer realm="hive", error="invalid_token"' };
    if (!token) {
      jsonRpcError(res, 401, 'authentication required: send "Authorization: Bearer <token>" with a Hive token (POST /api/auth/login on the gateway)', challenge);
      return;
    }
    let principal;
    try {
      principal = await this.runtime.verifier.verify(token);
    } catch (error) {
      jsonRpcError(res, 401, error instanceof InvalidTokenError ? error.message : 'invalid token', challenge);
      return;
    }
    const server = createHiveMcpServer(principal, this.runtime.deps, await this.runtime.view.exposedWorkflows(principal.tenant));
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    try {
      await server.connect(transport);
      await transport.handleRequest(req, res, req.body);
    } catch (error) {
      this.logger.error(`MCP request failed: ${(error as Error).message}`);
      if (!res.headersSent) jsonRpcError(res, 500, 'internal error');
    }
  }
}
