import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { loadConfig } from '@hive/config';
import { GatewayConfig } from '../config/gateway.config';
import { isRole, ROLES } from '../auth/permissions';
import { isTenant, TokenService } from '../auth/token.service';

/**
 * Prints a development access token signed with HIVE_JWT_SECRET:
 *   npm run token -- --role admin --tenant acme [--sub ada] [--ttl 3600]
 * With the default (dev-only) secret this works against a local gateway; it is not a way in to production.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { role: { type: 'string', default: 'admin' }, tenant: { type: 'string', default: 'acme' }, sub: { type: 'string' }, ttl: { type: 'string', default: '3600' } } });
  const role = values.role;
  if (!isRole(role)) throw new Error(`--role must be one of ${ROLES.join(', ')}`);
  if (!isTenant(values.tenant)) throw new Error('--tenant must be 1-128 lower-case letters, digits, "_" or "-"');
  const ttl = Number(values.ttl);
  if (!Number.isInteger(ttl) || ttl < 1) throw new Error('--ttl must be a whole number of seconds');
  const tokens = new TokenService(loadConfig(GatewayConfig));
  const { token } = await tokens.issue({ sub: values.sub ?? `dev-${role}`, tenant: values.tenant, roles: [role] }, ttl);
  process.stdout.write(`${token}\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
