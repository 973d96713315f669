import { createServer } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { can } from './principal';
import { InvalidTokenError, TokenVerifier } from './token-verifier';

const SECRET = 'unit-test-secret-0123456789-0123456789';
const sign = (claims: Record<string, unknown>, options: { secret?: string; issuer?: string; expires?: string; sub?: string } = {}) => {
  let jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuer(options.issuer ?? 'hive-gateway').setExpirationTime(options.expires ?? '5m');
  if (options.sub !== '') jwt = jwt.setSubject(options.sub ?? 'ada');
  return jwt.sign(new TextEncoder().encode(options.secret ?? SECRET));
};

describe('TokenVerifier (the gateway\'s HS256 tokens)', () => {
  const verifier = new TokenVerifier(SECRET);

  it('accepts a gateway token and grants what its roles grant', async () => {
    const principal = await verifier.verify(await sign({ tenant: 'acme', roles: ['developer'] }));
    expect(principal).toMatchObject({ subject: 'ada', tenant: 'acme', roles: ['developer'] });
    expect(can(principal, 'tasks.create')).toBe(true);
    expect(can(principal, 'workflows.create')).toBe(true);
    expect(can(principal, 'agents.manage')).toBe(false);
  });

  it('adds the token\'s explicit permissions to a viewer', async () => {
    const principal = await verifier.verify(await sign({ tenant: 'acme', roles: ['viewer'], permissions: ['tasks.view'] }));
    expect(can(principal, 'tasks.view')).toBe(true);
    expect(can(principal, 'tasks.create')).toBe(false);
  });

  it.each([
    ['another secret', () => sign({ tenant: 'acme', roles: ['admin'] }, { secret: 'some-other-secret-0123456789-0123456789' }), /signature verification failed/],
    ['another issuer', () => sign({ tenant: 'acme', roles: ['admin'] }, { issuer: 'someone' }), /"iss" claim/],
    ['an expired token', () => sign({ tenant: 'acme', roles: ['admin'] }, { expires: '-1m' }), /"exp" claim/],
    ['no subject', () => sign({ tenant: 'acme', roles: ['admin'] }, { sub: '' }), /"sub"/],
    ['no tenant', () => sign({ roles: ['admin'] }), /tenant is missing/],
    ['an unknown role', () => sign({ tenant: 'acme', roles: ['root'] }), /roles must be/],
  ])('refuses %s', async (_, token, message) => {
    const refused = verifier.verify(await token());
    await expect(refused).rejects.toBeInstanceOf(InvalidTokenError);
    await expect(verifier.verify(await token())).rejects.toThrow(message);
  });
});

describe('TokenVerifier with an identity provider (RS256 via JWKS)', () => {
  it('accepts the provider\'s RS256 tokens and refuses them without a JWKS', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' };
    const server = createServer((_, res) => res.end(JSON.stringify({ keys: [jwk] })));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const token = await new SignJWT({ tenant: 'acme', roles: ['viewer'] }).setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setSubject('sso-user').setIssuer('https://idp.example').setExpirationTime('5m').sign(privateKey);
      const withIdp = new TokenVerifier(SECRET, { jwksUrl: `http://127.0.0.1:${port}/jwks`, issuer: 'https://idp.example' });
      expect(await withIdp.verify(token)).toMatchObject({ subject: 'sso-user', tenant: 'acme' });
      await expect(new TokenVerifier(SECRET).verify(token)).rejects.toThrow(/algorithm RS256 is not accepted/);
      await expect(new TokenVerifier(SECRET, { jwksUrl: `http://127.0.0.1:${port}/jwks`, issuer: 'https://other' }).verify(token)).rejects.toThrow(/"iss" claim/);
    } finally {
      server.close();
    }
  });
});
