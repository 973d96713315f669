import type { EvaluationData } from './evaluation-data';
import { ParameterResolver } from './parameter-resolver';
import { QuickJsSandbox } from './quickjs-sandbox';
import { SandboxError } from './sandbox.error';

const data = (overrides: Partial<EvaluationData> = {}): EvaluationData => ({
  items: [{ json: { name: 'Ada', amount: 120, tags: ['x', 'y'] } }, { json: { name: 'Bob', amount: 5, tags: [] } }],
  nodes: { Webhook: { items: [{ json: { body: { id: 7 } } }, { json: { body: { id: 8 } } }] } },
  execution: { id: 'exec-1', mode: 'webhook' },
  workflow: { id: 'wf-1', name: 'Orders', active: true },
  vars: { region: 'eu' },
  env: { HIVE_PUBLIC: 'yes' },
  nowMs: Date.parse('2025-03-01T12:34:56.000Z'),
  ...overrides,
});

describe('QuickJsSandbox', () => {
  let sandbox: QuickJsSandbox;
  beforeAll(async () => {
    sandbox = await QuickJsSandbox.create({ expression: { timeoutMs: 200 }, code: { timeoutMs: 300, memoryBytes: 16 << 20 } });
  });
  afterAll(() => sandbox.dispose());

  const resolve = (value: string, index = 0, d = data()) => new ParameterResolver(sandbox, d).resolve(value, index);

  it('evaluates n8n expressions with every helper', () => {
    expect(resolve('={{ $json.name }}')).toBe('Ada');
    expect(resolve('={{ $json.amount * 2 }}', 1)).toBe(10);
    expect(resolve('=Hello {{ $json.name }}, you owe {{ $json.amount }}')).toBe('Hello Ada, you owe 120');
    expect(resolve('={{ $input.item.json.name }}', 1)).toBe('Bob');
    expect(resolve('={{ $input.all().length }}')).toBe(2);
    expect(resolve('={{ $input.first().json.name + $input.last().json.name }}')).toBe('AdaBob');
    expect(resolve("={{ $('Webhook').item.json.body.id }}", 1)).toBe(8);
    expect(resolve("={{ $('Webhook').first().json.body.id }}", 1)).toBe(7);
    expect(resolve("={{ $('Webhook').all().map(i => i.json.body.id) }}")).toEqual([7, 8]);
    expect(resolve('={{ $node["Webhook"].json.body.id }}')).toBe(7);
    expect(resolve('={{ $now.toISO() }}')).toBe('2025-03-01T12:34:56.000Z');
    expect(resolve('={{ $today.toISO() }}')).toBe('2025-03-01T00:00:00.000Z');
    expect(resolve('={{ $now.plus(1, "day").toFormat("yyyy-MM-dd") }}')).toBe('2025-03-02');
    expect(resolve('={{ $execution.id }}:{{ $workflow.name }}:{{ $vars.region }}:{{ $env.HIVE_PUBLIC }}')).toBe('exec-1:Orders:eu:yes');
    expect(resolve('={{ $json.tags }}')).toEqual(['x', 'y']);
    expect(resolve('={{ $json.missing }}')).toBeUndefined();
    expect(resolve('plain text')).toBe('plain text');
  });

  it('refuses to reach the host, with a clear error', () => {
    const escapes = [
      'process.env',
      "require('fs')",
      "this.constructor.constructor('return process')()",
      "$json.constructor.constructor('return process')().exit(1)",
      "(function(){ return this })().process.exit(1)",
      "import('fs')",
    ];
    for (const source of escapes) {
      let error: unknown;
      try {
        resolve(`={{ ${source} }}`);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(SandboxError);
      expect((error as Error).message).toMatch(/^Expression: /);
    }
    expect(() => resolve('={{ process.exit(1) }}')).toThrow(/'process' is not defined: the sandbox has no access to the host/);
  });

  it('cannot leave anything behind for the next evaluation (frozen intrinsics)', () => {
    expect(() => resolve('={{ (Object.prototype.polluted = 1, 1) }}')).toThrow(SandboxError);
    expect(() => resolve('={{ (globalThis.leak = $json.name, 1) }}')).toThrow(SandboxError);
    expect(resolve('={{ typeof leak + ({}).polluted }}')).toBe('undefinedundefined');
  });

  it('stops an endless expression at its time limit and keeps working', () => {
    expect(() => resolve('={{ (() => { while (true) {} })() }}')).toThrow(/stopped after 200 ms \(time limit\)/);
    expect(resolve('={{ 1 + 1 }}')).toBe(2);
  });

  it('runs Code nodes once for all items and once per item', () => {
    const all = sandbox.runCode('return $input.all().map((item) => ({ json: { n: item.json.name.toUpperCase() } }));', 'runOnceForAllItems', data());
    expect(all).toEqual([{ json: { n: 'ADA' } }, { json: { n: 'BOB' } }]);
    const each = sandbox.runCode('$json.double = $json.amount * 2; return $input.item;', 'runOnceForEachItem', data());
    expect(each).toEqual([{ json: { name: 'Ada', amount: 120, tags: ['x', 'y'], double: 240 } }, { json: { name: 'Bob', amount: 5, tags: [], double: 10 } }]);
    expect(sandbox.runCode('const x = await Promise.resolve(3); return [{ json: { x } }];', 'runOnceForAllItems', data())).toEqual([{ json: { x: 3 } }]);
  });

  it('stops an infinite loop in a Code node and a memory bomb, then runs the next one', () => {
    const started = Date.now();
    expect(() => sandbox.runCode('while (true) {}', 'runOnceForAllItems', data())).toThrow(/Code node: stopped after 300 ms \(time limit\)/);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(() => sandbox.runCode('const a = []; while (true) a.push("x".repeat(1e5));', 'runOnceForAllItems', data())).toThrow(SandboxError);
    expect(() => sandbox.runCode("const fs = require('fs'); return [];", 'runOnceForAllItems', data())).toThrow(/'require' is not defined: the sandbox has no access to the host/);
    expect(sandbox.runCode('return [{ json: { ok: true } }];', 'runOnceForAllItems', data())).toEqual([{ json: { ok: true } }]);
  });
});
