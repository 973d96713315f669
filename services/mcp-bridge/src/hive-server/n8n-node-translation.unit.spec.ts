import { translateN8nNode, translateN8nWorkflow } from './n8n-node-translation';

describe('translating n8n nodes into MCP tools', () => {
  it('turns an HTTP Request node into http_request with its literal URL and method as defaults', () => {
    const spec = translateN8nNode({ name: 'Fetch', type: 'n8n-nodes-base.httpRequest', parameters: { method: 'POST', url: 'https://api.example.com/items', options: { timeout: 5000 } } });
    expect(spec?.name).toBe('http_request');
    expect(spec?.description).toContain('POST https://api.example.com/items');
    expect(spec?.inputSchema.properties['url']).toMatchObject({ type: 'string', default: 'https://api.example.com/items' });
    expect(spec?.inputSchema.properties['method']).toMatchObject({ default: 'POST' });
    expect(spec?.inputSchema.properties['timeoutMs']).toMatchObject({ default: 5000 });
    expect(spec?.inputSchema.required).toEqual([]);
  });

  it('requires the URL when the node computes it with an expression', () => {
    const spec = translateN8nNode({ type: 'n8n-nodes-base.httpRequest', parameters: { url: '={{ $json.url }}' } });
    expect(spec?.inputSchema.properties['url']).not.toHaveProperty('default');
    expect(spec?.inputSchema.required).toEqual(['url']);
  });

  it('turns a Code node into code_execution with code and language', () => {
    const spec = translateN8nNode({ type: 'n8n-nodes-base.code', parameters: { jsCode: 'return items;' } });
    expect(spec).toMatchObject({ name: 'code_execution', description: 'Execute custom code' });
    expect(Object.keys(spec?.inputSchema.properties ?? {})).toEqual(['code', 'language']);
    expect(spec?.inputSchema.properties['code']).toMatchObject({ default: 'return items;' });
  });

  it('maps Hive\'s MCP tool node to the server-prefixed tool and leaves other nodes untranslated', () => {
    const result = translateN8nWorkflow({
      nodes: [
        { name: 'Start', type: 'n8n-nodes-base.manualTrigger', parameters: {} },
        { name: 'Review', type: 'n8n-nodes-hive.mcpTool', parameters: { serverId: 'code_review', tool: 'analyze' } },
      ],
    });
    expect(result.tools).toEqual([expect.objectContaining({ node: 'Review', name: 'code_review__analyze' })]);
    expect(result.untranslated).toEqual([{ node: 'Start', type: 'n8n-nodes-base.manualTrigger' }]);
  });
});
