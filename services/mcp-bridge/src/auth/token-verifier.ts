import { jwtVerify, type JWTPayload } from 'jose';
import { effectiveGrants, isRole, type Principal, type Role } from './principal';

const TENANT_PATTERN = /^[a-z0-9][a-z0-9_-]{0,127}$/;

export class InvalidTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidTokenError';
  }
}

/**
 * Verifies the gateway's bearer tokens: HS256 signed with HIVE_JWT_SECRET,
 * issuer `hive-gateway`, with `sub`, `exp`, `tenant` and `roles` claims
 * (services/gateway/src/auth/token.service.ts issues them).
 */
export class TokenVerifier {
  private readonly secret: Uint8Array;

  constructor(secret: string) {
    this.secret = new TextEncoder().encode(secret);
  }

  async verify(token: string): Promise<Principal> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.secret, { algorithms: ['HS256'], issuer: 'hive-gateway', requiredClaims: ['exp', 'sub'] }));
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
