import { createHmac, randomUUID } from 'node:crypto';

/** The gateway's development-only secret (services/gateway config); production gateways refuse it. */
export const DEV_JWT_SECRET = 'hive-dev-only-secret-change-me-0123456789';
export const ROLES = ['admin', 'developer', 'viewer'] as const;
const TENANT = /^[a-z0-9][a-z0-9_-]{0,127}$/;

const b64 = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An HS256 access token with the Hive claims, as `npm run token` prints (issuer hive-gateway). */
export function devToken(options: { role: string; tenant: string; sub?: string; ttlSeconds: number; secret: string }): string {
  if (!(ROLES as readonly string[]).includes(options.role)) throw new Error(`--role must be one of ${ROLES.join(', ')}`);
  if (!TENANT.test(options.tenant)) throw new Error('--tenant must be 1-128 lower-case letters, digits, "_" or "-"');
  if (!Number.isInteger(options.ttlSeconds) || options.ttlSeconds < 1) throw new Error('--ttl must be a whole number of seconds');
  const now = Math.floor(Date.now() / 1000);
  const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({
    sub: options.sub ?? `dev-${options.role}`, tenant: options.tenant, roles: [options.role], iss: 'hive-gateway', iat: now, exp: now + options.ttlSeconds, jti: randomUUID(),
  })}`;
  return `${head}.${createHmac('sha256', options.secret).update(head).digest('base64url')}`;
}
