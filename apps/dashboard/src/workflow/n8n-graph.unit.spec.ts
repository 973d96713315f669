import { PALETTE, toGraph, toWorkflow, uniqueName, type N8nWorkflow } from './n8n-graph';

/** An n8n export with the features that are easy to lose: an If with two outputs, an empty slot, an AI connection, extra fields. */
const exported: N8nWorkflow = {
  name: 'Review PRs',
  nodes: [
    { parameters: { path: 'pr', httpMethod: 'POST' }, id: 'w1', name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: 'abc' },
    { parameters: { conditions: {} }, id: 'i1', name: 'Big?', type: 'n8n-nodes-base.if', typeVersion: 2, position: [200, 0] },
    { parameters: { jsCode: 'return $input.all();' }, id: 'c1', name: 'Review', type: 'n8n-nodes-base.code', typeVersion: 2, position: [400, -100], notes: 'kept' },
    { parameters: {}, id: 'n1', name: 'Skip', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [400, 100] },
    { parameters: { model: 'llama3' }, id: 'm1', name: 'Model', type: '@n8n/n8n-nodes-langchain.lmChatOllama', typeVersion: 1, position: [400, 200] },
  ],
  connections: {
    Webhook: { main: [[{ node: 'Big?', type: 'main', index: 0 }]] },
    'Big?': { main: [[{ node: 'Review', type: 'main', index: 0 }], [{ node: 'Skip', type: 'main', index: 0 }], []] },
    Model: { ai_languageModel: [[{ node: 'Review', type: 'ai_languageModel', index: 0 }]] },
    Skip: { main: [[]] },
  },
  settings: { executionOrder: 'v1' },
  pinData: {},
  meta: { instanceId: 'x' },
};

describe('n8n workflow <-> editor graph', () => {
  it('draws every node and every connection, with output slots and types', () => {
    const graph = toGraph(exported);
    expect(graph.nodes.map((n) => n.id)).toEqual(['Webhook', 'Big?', 'Review', 'Skip', 'Model']);
    expect(graph.edges.map((e) => [e.source, e.outputIndex, e.target, e.type])).toEqual([
      ['Webhook', 0, 'Big?', 'main'], ['Big?', 0, 'Review', 'main'], ['Big?', 1, 'Skip', 'main'], ['Model', 0, 'Review', 'ai_languageModel'],
    ]);
  });

  it('saves an unchanged graph as the identical JSON', () => {
    const copy = JSON.parse(JSON.stringify(exported)) as N8nWorkflow;
    expect(JSON.stringify(toWorkflow(copy, toGraph(copy)))).toBe(JSON.stringify(exported));
  });

  it('saves added, connected, renamed and removed nodes in n8n format', () => {
    const graph = toGraph(JSON.parse(JSON.stringify(exported)) as N8nWorkflow);
    const set = PALETTE.find((p) => p.label === 'Set');
    if (!set) throw new Error('no Set in the palette');
    graph.nodes.push({ id: 'new-1', node: { id: 'new-1', name: uniqueName(graph, 'Set'), type: set.type, typeVersion: set.typeVersion, position: [600, 0], parameters: set.parameters } });
    graph.edges.push({ id: 'e', source: 'Review', target: 'new-1', type: 'main', outputIndex: 0, targetType: 'main', inputIndex: 0 });
    const review = graph.nodes.find((n) => n.id === 'Review');
    if (review) review.node = { ...review.node, name: 'Deep review' };
    graph.nodes = graph.nodes.filter((n) => n.id !== 'Skip');
    graph.edges = graph.edges.filter((e) => e.target !== 'Skip' && e.source !== 'Skip');
    const saved = toWorkflow(exported, graph);
    expect(saved.nodes.map((n) => n.name)).toEqual(['Webhook', 'Big?', 'Deep review', 'Model', 'Set']);
    expect(saved.connections).toEqual({
      Webhook: { main: [[{ node: 'Big?', type: 'main', index: 0 }]] },
      'Big?': { main: [[{ node: 'Deep review', type: 'main', index: 0 }], [], []] },
      'Deep review': { main: [[{ node: 'Set', type: 'main', index: 0 }]] },
      Model: { ai_languageModel: [[{ node: 'Deep review', type: 'ai_languageModel', index: 0 }]] },
    });
    expect(saved.nodes[2]).toMatchObject({ notes: 'kept', id: 'c1' });
    expect(saved.settings).toEqual({ executionOrder: 'v1' });
    // And it reads back as the same graph.
    expect(toGraph(saved).edges).toHaveLength(4);
  });
});
