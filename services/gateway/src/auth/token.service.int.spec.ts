import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type KeyLike } from 'jose';
import { loadConfig } from '@hive/config';
import { GatewayConfig } from '../config/gateway.config';
import { ApiProblem } from '../problem/api-problem.exception';
import { TokenService } from './token.service';

describe('TokenService', () => {
  let server: Server;
  let jwksUrl: string;
  let privateKey: KeyLike;
  const secret = 'a-test-secret-that-is-long-enough-0123456789';

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    server = createServer((_request, response) => response.setHeader('content-type', 'application/json').end(JSON.stringify({ keys: [jwk] })));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const service = (extra: Record<string, string> = {}) => new TokenService(loadConfig(GatewayConfig, { HIVE_JWT_SECRET: secret, ...extra }));
  const rs256 = (claims: Record<string, unknown>, issuer = 'https://idp.example') =>
    new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setSubject('ida').setIssuer(issuer).setExpirationTime('5m').sign(privateKey);

  it('issues HS256 tokens with the Hive claims and verifies them', async () => {
    const tokens = service();
    const { token } = await tokens.issue({ sub: 'ada', tenant: 'acme', roles: ['developer'] });
    const principal = await tokens.verify(token);
    expect(principal).toMatchObject({ subject: 'ada', tenant: 'acme', roles: ['developer'], rateRole: 'developer', via: 'jwt' });
    expect(principal.grants.has('workflows.*')).toBe(true);
  });

  it('refuses a token signed with another secret, an expired one, and alg none', async () => {
    const other = new TokenService(loadConfig(GatewayConfig, { HIVE_JWT_SECRET: `${secret}-other` }));
    const forged = (await other.issue({ sub: 'ada', tenant: 'acme', roles: ['admin'] })).token;
    const expired = (await service().issue({ sub: 'ada', tenant: 'acme', roles: ['admin'] }, -1)).token;
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"ada","tenant":"acme","roles":["admin"]}').toString('base64url')}.`;
    for (const token of [forged, expired, none, 'garbage']) await expect(service().verify(token)).rejects.toBeInstanceOf(ApiProblem);
  });

  it('verifies RS256 tokens against the configured JWKS, checking the issuer and the claims', async () => {
    const tokens = service({ HIVE_JWT_JWKS_URL: jwksUrl, HIVE_JWT_ISSUER: 'https://idp.example' });
    const principal = await tokens.verify(await rs256({ tenant: 'globex', roles: ['viewer'], permissions: ['tasks.view'] }));
    expect(principal).toMatchObject({ subject: 'ida', tenant: 'globex', roles: ['viewer'] });
    expect(principal.grants.has('tasks.view')).toBe(true);
    await expect(tokens.verify(await rs256({ tenant: 'globex', roles: ['viewer'] }, 'https://evil.example'))).rejects.toThrow(/iss/);
    await expect(tokens.verify(await rs256({ tenant: 'globex', roles: ['superuser'] }))).rejects.toThrow(/roles/);
    await expect(tokens.verify(await rs256({ roles: ['viewer'] }))).rejects.toThrow(/tenant/);
    // Without a JWKS configured, RS256 is not accepted at all.
    await expect(service().verify(await rs256({ tenant: 'globex', roles: ['viewer'] }))).rejects.toThrow(/not accepted/);
  });
});
