import { parseN8nWorkflow } from './parse-n8n-workflow';
import { WorkflowImportError } from './workflow-import.error';

const node = (name: string, type = 'n8n-nodes-base.noOp', position: [number, number] = [0, 0]) =>
  ({ id: name, name, type, typeVersion: 1, position, parameters: {} });
const main = (...targets: Array<string | [string, number]>) =>
  ({ main: [targets.map((t) => (typeof t === 'string' ? { node: t, type: 'main', index: 0 } : { node: t[0], type: 'main', index: t[1] }))] });

const problemsOf = (json: unknown): readonly string[] => {
  try {
    parseN8nWorkflow(json);
  } catch (error) {
    if (error instanceof WorkflowImportError) return error.problems;
    throw error;
  }
  throw new Error('expected the import to be rejected');
};

describe('parseN8nWorkflow', () => {
  it('indexes nodes, main edges, attached sub-nodes and triggers in canvas order', () => {
    const wf = parseN8nWorkflow({
      nodes: [node('Start', 'n8n-nodes-base.manualTrigger', [0, 0]), node('B', 'n8n-nodes-base.noOp', [200, 100]), node('A', 'n8n-nodes-base.noOp', [200, -100]),
        node('Chain', '@n8n/n8n-nodes-langchain.chainLlm', [400, 0]), node('Model', '@n8n/n8n-nodes-langchain.lmChatOllama', [400, 200])],
      connections: { Start: main('B', 'A'), A: main('Chain'), Model: { ai_languageModel: [[{ node: 'Chain', type: 'ai_languageModel', index: 0 }]] } },
    });
    expect(wf.order).toEqual(['A', 'Start', 'Chain', 'B', 'Model']);
    expect(wf.outgoing.get('Start')?.map((e) => e.to)).toEqual(['B', 'A']);
    expect(wf.incoming.get('Chain')).toEqual([{ from: 'A', output: 0, to: 'Chain', input: 0 }]);
    expect(wf.attached.get('Chain')?.get('ai_languageModel')).toEqual(['Model']);
    expect(wf.triggers).toEqual(['Start']);
  });

  it('rejects a connection to a node that does not exist', () => {
    expect(problemsOf({ nodes: [node('A')], connections: { A: main('Ghost') } }))
      .toEqual(['connection from "A" (output 0) to "Ghost", which is not a node of the workflow']);
  });

  it('rejects connections from a missing node', () => {
    expect(problemsOf({ nodes: [node('A')], connections: { Ghost: main('A') } }))
      .toEqual(['connections leave "Ghost", which is not a node of the workflow']);
  });

  it('rejects duplicate node names', () => {
    expect(problemsOf({ nodes: [node('A'), node('A')], connections: {} })).toEqual(['duplicate node name "A"']);
  });

  it('lists every unsupported node type by name and type in one error', () => {
    const problems = problemsOf({ nodes: [node('Slack it', 'n8n-nodes-base.slack'), node('A'), node('Sheet', 'n8n-nodes-base.googleSheets')], connections: {} });
    expect(problems).toEqual(['unsupported node types: "Slack it" (n8n-nodes-base.slack), "Sheet" (n8n-nodes-base.googleSheets)']);
  });

  it('rejects a cycle without a looping node and accepts one through Loop Over Items or IF', () => {
    expect(problemsOf({ nodes: [node('A'), node('B'), node('C')], connections: { A: main('B'), B: main('C'), C: main('A') } }))
      .toEqual(['cycle without a looping node (Loop Over Items, IF or Switch): "A" -> "B" -> "C"']);
    expect(problemsOf({ nodes: [node('A')], connections: { A: main('A') } })).toEqual(['cycle without a looping node (Loop Over Items, IF or Switch): "A"']);
    expect(() => parseN8nWorkflow({
      nodes: [node('Loop', 'n8n-nodes-base.splitInBatches'), node('Work')],
      connections: { Loop: { main: [[], [{ node: 'Work', type: 'main', index: 0 }]] }, Work: main('Loop') },
    })).not.toThrow();
  });

  it('collects several problems at once', () => {
    const problems = problemsOf({ nodes: [node('A'), node('A'), node('X', 'n8n-nodes-base.airtable')], connections: { A: main('Nope') } });
    expect(problems).toHaveLength(3);
  });

  it('rejects input indexes a node does not have and pinData for missing nodes', () => {
    expect(problemsOf({ nodes: [node('A'), node('B')], connections: { A: main(['B', 1]) }, pinData: { Z: [{ a: 1 }] } })).toEqual([
      'connection from "A" to input 1 of "B", which has 1 input(s)',
      'pinData for "Z", which is not a node of the workflow',
    ]);
  });

  it('rejects what is not a workflow', () => {
    expect(problemsOf(null)).toEqual(['the workflow is not a JSON object']);
    expect(problemsOf({ nodes: {} })).toEqual(['"nodes" must be an array']);
  });
});
