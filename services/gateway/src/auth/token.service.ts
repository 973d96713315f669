import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { GatewayConfig } from '../config/gateway.config';
import { ApiProblem } from '../problem/api-problem.exception';
import { effectiveGrants, isRole, ROLES, type Role } from './permissions';
import type { Principal } from './principal';

/** The Hive document's JWT claims. */
export interface HiveClaims {
  readonly sub: string;
  readonly tenant: string;
  readonly roles: readonly Role[];
  readonly permissions?: readonly string[];
}

const TENANT_PATTERN = /^[a-z0-9][a-z0-9_-]{0,127}$/;
export const isTenant = (value: unknown): value is string => typeof value === 'string' && TENANT_PATTERN.test(value);

/** Most privileged role first: the role rate limits are counted for. */
export const rateRoleOf = (roles: readonly Role[]): Role => ROLES.find((role) => roles.includes(role)) ?? 'viewer';

const CACHE_LIMIT = 10_000;

/**
 * Issues the gateway's own HS256 tokens and verifies bearer tokens: HS256
 * with the configured secret, or RS256/ES256 against the identity provider's
 * JWKS when one is configured. Verified tokens are cached until they expire.
 */
@Injectable()
export class TokenService {
  private readonly secret: Uint8Array;
  private readonly jwks: ReturnType<typeof createRemoteJWKSet> | undefined;
  private readonly cache = new Map<string, { principal: Principal; expiresAt: number }>();

  constructor(private readonly config: GatewayConfig) {
    this.secret = new TextEncoder().encode(config.HIVE_JWT_SECRET);
    this.jwks = config.HIVE_JWT_JWKS_URL ? createRemoteJWKSet(new URL(config.HIVE_JWT_JWKS_URL)) : undefined;
  }

  async issue(claims: HiveClaims, ttlSeconds = this.config.ACCESS_TOKEN_TTL_S): Promise<{ token: string; expiresIn: number }> {
    const token = await new SignJWT({ tenant: claims.tenant, roles: [...claims.roles], ...(claims.permissions ? { permissions: [...claims.permissions] } : {}) })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.sub)
      .setIssuedAt()
      .setJti(randomUUID())
      .setIssuer('hive-gateway')
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(this.secret);
    return { token, expiresIn: ttlSeconds };
  }

  async verify(token: string): Promise<Principal> {
    const now = Date.now();
    const cached = this.cache.get(token);
    if (cached && cached.expiresAt > now) return cached.principal;
    let payload: JWTPayload;
    try {
      const { alg } = decodeProtectedHeader(token);
      if (alg === 'HS256') {
        ({ payload } = await jwtVerify(token, this.secret, { algorithms: ['HS256'], issuer: 'hive-gateway', requiredClaims: ['exp', 'sub'] }));
      } else if (this.jwks && (alg === 'RS256' || alg === 'ES256')) {
        ({ payload } = await jwtVerify(token, this.jwks, {
          algorithms: ['RS256', 'ES256'], requiredClaims: ['exp', 'sub'], ...(this.config.HIVE_JWT_ISSUER ? { issuer: this.config.HIVE_JWT_ISSUER } : {}),
        }));
      } else {
        throw new Error(`algorithm ${String(alg)} is not accepted`);
      }
    } catch (error) {
      throw new ApiProblem('unauthenticated', `invalid token: ${(error as Error).message}`);
    }
    const principal = this.principalOf(payload);
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(token, { principal, expiresAt: Math.min((payload.exp ?? 0) * 1000, now + 60_000) });
    return principal;
  }

  private principalOf(payload: JWTPayload): Principal {
    const { sub, tenant, roles, permissions } = payload as JWTPayload & Record<string, unknown>;
    if (typeof sub !== 'string' || sub.length === 0 || sub.length > 128) throw new ApiProblem('unauthenticated', 'invalid token: sub is missing');
    if (!isTenant(tenant)) throw new ApiProblem('unauthenticated', 'invalid token: tenant is missing or malformed');
    if (!Array.isArray(roles) || !roles.every(isRole)) throw new ApiProblem('unauthenticated', 'invalid token: roles must be a list of admin, developer, viewer');
    const extra = Array.isArray(permissions) ? permissions.filter((p): p is string => typeof p === 'string') : [];
    const typed = roles as Role[];
    return { subject: sub, tenant, roles: typed, grants: effectiveGrants(typed, extra), rateRole: rateRoleOf(typed), via: 'jwt' };
  }
}
