import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GatewayConfig } from '../config/gateway.config';
import { ApiProblem } from '../problem/api-problem.exception';
import { RATE_LIMIT_KEY, RATE_LIMITS, type RateLimitName } from '../rate-limit/rate-limits';
import { RateLimiter } from '../rate-limit/rate-limiter';
import { CredentialsRepository } from './credentials.repository';
import { AUTHENTICATED_ROUTE, PERMISSION_KEY, PUBLIC_ROUTE } from './permission.decorator';
import { effectiveGrants, grants, PERMISSIONS, type Permission } from './permissions';
import type { Principal } from './principal';
import { TokenService } from './token.service';

export type AuthenticatedRequest = FastifyRequest & { principal?: Principal };

/**
 * The one guard in front of every route: the route must declare its
 * permission (a route that does not is refused, fail-closed), the caller is
 * authenticated by bearer token or API key, authorised against the role
 * matrix, and counted against the route's rate limit.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly credentials: CredentialsRepository,
    private readonly limiter: RateLimiter,
    private readonly config: GatewayConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const needed = this.reflector.getAllAndOverride<string | undefined>(PERMISSION_KEY, [context.getHandler(), context.getClass()]);
    if (needed === undefined) throw new ApiProblem('internal', 'this route declares no permission and is closed');
    if (needed === PUBLIC_ROUTE) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = await this.authenticate(request);
    request.principal = principal;
    if (needed !== AUTHENTICATED_ROUTE) {
      if (!(PERMISSIONS as readonly string[]).includes(needed)) throw new ApiProblem('internal', `unknown permission ${needed}`);
      if (!grants(principal.grants, needed as Permission)) throw new ApiProblem('forbidden', `this needs the ${needed} permission`);
    }
    const limit = this.reflector.get<RateLimitName | undefined>(RATE_LIMIT_KEY, context.getHandler());
    if (limit) await this.count(limit, principal, context.switchToHttp().getResponse<FastifyReply>());
    return true;
  }

  private async authenticate(request: FastifyRequest): Promise<Principal> {
    const authorization = request.headers.authorization;
    if (typeof authorization === 'string' && authorization.startsWith('Bearer ')) return this.tokens.verify(authorization.slice(7).trim());
    const key = request.headers['x-api-key'];
    if (typeof key === 'string') {
      const record = await this.credentials.verifyApiKey(key);
      if (!record) throw new ApiProblem('unauthenticated', 'invalid or revoked API key');
      return { subject: `apikey:${record.keyId}`, tenant: record.tenant, roles: [record.role], grants: effectiveGrants([], record.scopes), rateRole: record.role, via: 'api-key' };
    }
    throw new ApiProblem('unauthenticated', 'send Authorization: Bearer <token> or X-API-Key: <key>');
  }

  private async count(name: RateLimitName, principal: Principal, reply: FastifyReply): Promise<void> {
    const limit = RATE_LIMITS[name][principal.rateRole];
    const decision = await this.limiter.take(`${principal.tenant}:${principal.subject}:${name}`, limit);
    void reply.header('ratelimit-limit', String(limit)).header('ratelimit-remaining', String(decision.remaining));
    if (!decision.allowed) {
      const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
      throw new ApiProblem('rate_limited', `${name} allows ${limit} calls per ${this.config.RATE_LIMIT_WINDOW_MS / 1000} s for the ${principal.rateRole} role`, { retryAfterSeconds: seconds });
    }
  }
}
