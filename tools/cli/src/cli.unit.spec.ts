import { problemError } from './api-client';
import { devToken } from './dev-token';
import { ExitCode } from './exit-codes';
import { asN8nWorkflow, jsonOption } from './n8n-file';
import { renderRow } from './progress';

describe('hive CLI pieces', () => {
  it('checks n8n workflow JSON before sending it, naming what is wrong', () => {
    expect(() => asN8nWorkflow([], 'x.json')).toThrow(/x\.json is not n8n workflow JSON: expected an object/);
    expect(() => asN8nWorkflow({ nodes: {}, connections: {} }, 'x.json')).toThrow(/"nodes" must be an array/);
    expect(() => asN8nWorkflow({ nodes: [{ name: 'A', type: 't' }, { name: 'B' }], connections: {} }, 'x.json')).toThrow(/nodes\[1\] needs a string "name" and "type"/);
    expect(() => asN8nWorkflow({ nodes: [], connections: [] }, 'x.json')).toThrow(/"connections" must be an object/);
    const ok = { name: 'w', nodes: [{ name: 'A', type: 't' }], connections: {} };
    expect(asN8nWorkflow(ok, 'x.json')).toBe(ok);
    let caught: unknown;
    try {
      asN8nWorkflow(null, 'x.json');
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: ExitCode.usage });
  });

  it('parses --input as a JSON object only', () => {
    expect(jsonOption('{"a":1}', '--input')).toEqual({ a: 1 });
    expect(() => jsonOption('[1]', '--input')).toThrow(/--input must be a JSON object/);
    expect(() => jsonOption('{a', '--input')).toThrow(/--input is not valid JSON/);
    expect(() => jsonOption('@/no/such/file.json', '--input')).toThrow(/cannot read \/no\/such\/file\.json: ENOENT/);
  });

  it('maps gateway answers to exit codes', () => {
    expect(problemError(401, { title: 'Authentication required' }, 'GET /x').code).toBe(ExitCode.auth);
    expect(problemError(403, {}, 'GET /x').code).toBe(ExitCode.auth);
    expect(problemError(504, {}, 'GET /x').code).toBe(ExitCode.unavailable);
    const invalid = problemError(400, { title: 'The request is invalid', errors: [{ field: 'type', messages: ['bad type'] }] }, 'POST /api/tasks');
    expect(invalid.code).toBe(ExitCode.failure);
    expect(invalid.message).toBe('POST /api/tasks: 400 The request is invalid\n  type: bad type');
  });

  it('draws a progress bar per execution', () => {
    expect(renderRow({ id: 'abcdef0123456789', percent: 50, status: 'running', node: 'Review', done: 1, total: 2 }))
      .toBe('abcdef012345 [############------------]  50% running   1/2 nodes Review');
  });

  it('signs development tokens with the gateway claims and refuses bad roles', () => {
    const [head, body] = devToken({ role: 'viewer', tenant: 'acme', ttlSeconds: 60, secret: 's' }).split('.');
    expect(JSON.parse(Buffer.from(head, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(JSON.parse(Buffer.from(body, 'base64url').toString())).toMatchObject({ sub: 'dev-viewer', tenant: 'acme', roles: ['viewer'], iss: 'hive-gateway' });
    expect(() => devToken({ role: 'root', tenant: 'acme', ttlSeconds: 60, secret: 's' })).toThrow(/--role must be one of/);
  });
});
