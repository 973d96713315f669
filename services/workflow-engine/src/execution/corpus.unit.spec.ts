import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonObject } from '../n8n/n8n-workflow.types';
import { QuickJsSandbox } from '../sandbox/quickjs-sandbox';
import { latestItems } from './execution-state';
import { runInMemory, type InMemoryFakes } from './testing/run-in-memory';

const dir = join(__dirname, '../../test/corpus');
const cases = readdirSync(dir).filter((f) => f.endsWith('.workflow.json')).map((f) => f.replace('.workflow.json', '')).sort();

interface Expected {
  readonly input?: JsonObject;
  readonly triggerNode?: string;
  readonly status: string;
  readonly output?: JsonObject[];
  readonly nodes?: Record<string, JsonObject[]>;
  readonly ran?: string[];
  readonly notRan?: string[];
  readonly failedNode?: string;
  readonly error?: string;
  readonly errorMatches?: string;
  readonly response?: JsonObject;
}

/** Fakes standing in for the outside world: an HTTP API, the coordinator's agents and an MCP server. */
const httpCalls: string[] = [];
let postAttempts = 0;
const fakes: InMemoryFakes = {
  http: (request) => {
    httpCalls.push(`${request.method} ${request.url} trace=${request.headers['x-trace'] ?? '-'}`);
    if (request.method === 'GET') return { items: [{ json: { id: 42, name: 'Ada' } }] };
    postAttempts++;
    if (postAttempts < 3) return { error: 'Request failed with status code 503', retriable: true };
    return { items: [{ json: { body: { saved: true, for: JSON.parse(request.body ?? '{}') }, headers: {}, statusCode: 201, statusMessage: 'Created' } }] };
  },
  task: (task) => ({ result: `done: ${task.prompt}` }),
  mcp: (call) => ({ items: [{ json: { hits: [String(call.arguments['q'])] } }] }),
};

describe('n8n workflow corpus (in memory)', () => {
  let sandbox: QuickJsSandbox;
  beforeAll(async () => {
    sandbox = await QuickJsSandbox.create({ code: { timeoutMs: 500 } });
  });
  afterAll(() => sandbox.dispose());

  it.each(cases)('%s', (name) => {
    const workflow: unknown = JSON.parse(readFileSync(join(dir, `${name}.workflow.json`), 'utf8'));
    const expected = JSON.parse(readFileSync(join(dir, `${name}.expected.json`), 'utf8')) as Expected;
    const { state, events } = runInMemory(workflow, {
      sandbox, input: expected.input ?? {}, triggerNode: expected.triggerNode, fakes, env: { HIVE_ALLOWED: 'yes' }, vars: { region: 'eu' },
    });
    expect(state.status).toBe(expected.status);
    const completed = events.find((e) => e.type === 'workflow.execution_completed');
    if (expected.output) expect(completed?.type === 'workflow.execution_completed' ? completed.data.output : undefined).toEqual(expected.output);
    for (const [node, items] of Object.entries(expected.nodes ?? {})) expect({ node, items: latestItems(state, node)?.map((i) => i.json) }).toEqual({ node, items });
    for (const node of expected.ran ?? []) expect(state.runs.get(node)?.length).toBe(1);
    for (const node of expected.notRan ?? []) expect(state.runs.get(node)).toBeUndefined();
    if (expected.failedNode) expect(state.failedNode).toBe(expected.failedNode);
    if (expected.error) expect(state.error).toBe(expected.error);
    if (expected.errorMatches) expect(state.error).toMatch(new RegExp(expected.errorMatches));
    if (expected.response) {
      const responded = events.find((e) => e.type === 'workflow.node_completed' && e.data.response !== undefined);
      expect(responded?.type === 'workflow.node_completed' ? responded.data.response : undefined).toEqual(expected.response);
    }
    // Every node start is followed by its completion or failure, and the execution ends exactly once.
    const starts = events.filter((e) => e.type === 'workflow.node_started').length;
    const ends = events.filter((e) => e.type === 'workflow.node_completed' || (e.type === 'workflow.node_failed' && !events.some((c) => c.type === 'workflow.node_completed' && c.data.nodeName === e.data.nodeName && c.data.runIndex === e.data.runIndex))).length;
    expect(ends).toBe(starts);
    expect(events.filter((e) => e.type.startsWith('workflow.execution_') && e.type !== 'workflow.execution_started')).toHaveLength(1);
  });

  it('the HTTP corpus sent its query and headers, and retried the POST until it succeeded', () => {
    expect(httpCalls).toContain('GET http://127.0.0.1:9/users/42?expand=orders trace=exec-1');
    expect(postAttempts).toBe(3);
  });
});
