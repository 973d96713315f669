import { Readable } from 'node:stream';
import { Controller, Logger, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { AuthenticatedRoute } from '../auth/permission.decorator';
import type { Principal } from '../auth/principal';
import { TokenService } from '../auth/token.service';
import { GatewayConfig } from '../config/gateway.config';
import { ApiProblem } from '../problem/api-problem.exception';

/** Request headers the MCP Streamable HTTP transport needs (ADR 0006). */
const FORWARDED_REQUEST = ['content-type', 'accept', 'mcp-protocol-version', 'mcp-session-id', 'last-event-id', 'traceparent', 'tracestate'];
const FORWARDED_RESPONSE = ['content-type', 'mcp-session-id', 'www-authenticate', 'cache-control'];

/**
 * Hive's MCP server, exposed through the gateway: `POST /mcp` is proxied to
 * the MCP bridge unchanged and unbuffered. JWT callers' tokens are forwarded
 * as received; an API-key caller is forwarded as a short-lived token the
 * gateway issues for the same principal, so the bridge never sees API keys.
 * Each MCP tool checks its own permission in the bridge.
 */
@Controller()
export class McpProxyController {
  private readonly logger = new Logger(McpProxyController.name);

  constructor(private readonly config: GatewayConfig, private readonly tokens: TokenService) {}

  @Post('mcp')
  @AuthenticatedRoute()
  @ApiExcludeEndpoint()
  async proxy(@CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const headers: Record<string, string> = {};
    for (const name of FORWARDED_REQUEST) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const authorization = request.headers.authorization;
    headers['authorization'] = principal.via === 'jwt' && typeof authorization === 'string'
      ? authorization
      // An API key's power is its scopes: the token carries them as permissions and no role, which would widen them.
      : `Bearer ${(await this.tokens.issue({ sub: principal.subject, tenant: principal.tenant, roles: [], permissions: [...principal.grants] }, 300)).token}`;
    let upstream: Response;
    try {
      upstream = await fetch(this.config.MCP_BRIDGE_URL, { method: 'POST', headers, body: JSON.stringify(request.body ?? null) });
    } catch (error) {
      this.logger.warn(`MCP bridge unreachable at ${this.config.MCP_BRIDGE_URL}: ${(error as Error).message}`);
      throw new ApiProblem('unavailable', 'the MCP server is unreachable; retry later', { retryAfterSeconds: 1 });
    }
    void reply.status(upstream.status);
    for (const name of FORWARDED_RESPONSE) {
      const value = upstream.headers.get(name);
      if (value !== null) void reply.header(name, value);
    }
    await reply.send(upstream.body ? Readable.fromWeb(upstream.body as import('node:stream/web').ReadableStream) : undefined);
  }
}
