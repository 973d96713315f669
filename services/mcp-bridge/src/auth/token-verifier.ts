import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import { effectiveGrants, isRole, type Principal, type Role } from './principal';

const TENANT_PATTERN = /^[a-z0-9][a-z0-9_-]{0,127}$/;

export class InvalidTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidTokenError';
  }
}

export interface IdentityProvider {
  /** JWKS of the identity provider whose RS256/ES256 tokens the gateway also accepts (HIVE_JWT_JWKS_URL). */
  readonly jwksUrl?: string;
  /** Expected `iss` of those tokens (HIVE_JWT_ISSUER). */
  readonly issuer?: string;
}

/**
 * Verifies the bearer tokens the gateway accepts, as the gateway does
 * (services/gateway/src/auth/token.service.ts): its own HS256 tokens signed
 * with HIVE_JWT_SECRET and issued by `hive-gateway`, and, when a JWKS is
 * configured, RS256/ES256 tokens of the identity provider. Claims: `sub`,
 * `exp`, `tenant`, `roles` (and optional `permissions`).
 */
export class TokenVerifier {
  private readonly secret: Uint8Array;
  private readonly jwks: ReturnType<typeof createRemoteJWKSet> | undefined;

  constructor(secret: string, private readonly idp: IdentityProvider = {}) {
    this.secret = new TextEncoder().encode(secret);
    this.jwks = idp.jwksUrl ? createRemoteJWKSet(new URL(idp.jwksUrl)) : undefined;
  }

  async verify(token: string): Promise<Principal> {
    let payload: JWTPayload;
    try {
      const { alg } = decodeProtectedHeader(token);
      if (alg === 'HS256') {
        ({ payload } = await jwtVerify(token, this.secret, { algorithms: ['HS256'], issuer: 'hive-gateway', requiredClaims: ['exp', 'sub'] }));
      } else if (this.jwks && (alg === 'RS256' || alg === 'ES256')) {
        ({ payload } = await jwtVerify(token, this.jwks, {
          algorithms: ['RS256', 'ES256'], requiredClaims: ['exp', 'sub'], ...(this.idp.issuer ? { issuer: this.idp.issuer } : {}),
        }));
      } else {
        throw new Error(`algorithm ${String(alg)} is not accepted`);
      }
    } catch (error) {
      throw new InvalidTokenError(`invalid token: ${(error as Error).message}`);
    }
    const { sub, tenant, roles, permissions } = payload as JWTPayload & Record<string, unknown>;
    if (typeof sub !== 'string' || sub.length === 0) throw new InvalidTokenError('invalid token: sub is missing');
    if (typeof tenant !== 'string' || !TENANT_PATTERN.test(tenant)) throw new InvalidTokenError('invalid token: tenant is missing or malformed');
    if (!Array.isArray(roles) || !roles.every(isRole)) throw new InvalidTokenError('invalid token: roles must be a list of admin, developer, viewer');
    const extra = Array.isArray(permissions) ? permissions.filter((p): p is string => typeof p === 'string') : [];
    return { subject: sub, tenant, roles: roles as Role[], grants: effectiveGrants(roles as Role[], extra) };
  }
}
