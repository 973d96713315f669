import { waitFor } from '@hive/testing';
import { countTokens } from '../simulation/count-tokens';
import { responseLines } from '../test/response-lines';
import { startSimulatedAgent, type SimulatedAgent, type SimulatedAgentOptions } from './simulated-agent.server';

interface Usage {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly total_tokens: number;
}

interface Chunk {
  readonly id: string;
  readonly object: string;
  readonly model: string;
  readonly choices: { index: number; delta: { role?: string; content?: string }; finish_reason: string | null }[];
  readonly usage?: Usage | null;
}

describe('simulated agent: OpenAI-compatible API', () => {
  const agents: SimulatedAgent[] = [];
  const start = async (options: Partial<SimulatedAgentOptions> = {}) => {
    const agent = await startSimulatedAgent({ name: 'walnut', models: ['starcoder2:15b'], latencyMs: 0, tokensPerSecond: 0, ...options });
    agents.push(agent);
    return agent;
  };
  const complete = (agent: SimulatedAgent, body: object, signal?: AbortSignal) =>
    fetch(`${agent.url}/v1/chat/completions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), signal });
  const messages = [{ role: 'user', content: 'Write a function that adds two numbers' }];

  afterEach(async () => {
    await Promise.all(agents.splice(0).map((agent) => agent.close()));
  });

  it('lists its models in /v1/models', async () => {
    const agent = await start();
    expect(await (await fetch(`${agent.url}/v1/models`)).json()).toEqual({
      object: 'list',
      data: [{ id: 'starcoder2:15b', object: 'model', created: expect.any(Number), owned_by: expect.any(String) }],
    });
  });

  it('streams chat.completion.chunk events, then a finish chunk, a usage chunk and [DONE]', async () => {
    const agent = await start({ tokensPerSecond: 200, responseTokens: 15 });
    const response = await complete(agent, { model: 'starcoder2:15b', messages, stream: true, stream_options: { include_usage: true } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');

    const payloads: string[] = [];
    for await (const line of responseLines(response)) {
      if (line === '') continue;
      expect(line.startsWith('data: ')).toBe(true);
      payloads.push(line.slice('data: '.length));
    }
    expect(payloads[payloads.length - 1]).toBe('[DONE]');
    const chunks = payloads.slice(0, -1).map((payload) => JSON.parse(payload) as Chunk);
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk' && chunk.model === 'starcoder2:15b')).toBe(true);

    const contentChunks = chunks.filter((chunk) => chunk.choices[0]?.delta.content !== undefined);
    expect(contentChunks[0].choices[0].delta.role).toBe('assistant');
    let text = '';
    for (const chunk of contentChunks) {
      const grown = text + (chunk.choices[0].delta.content ?? '');
      expect(grown.length).toBeGreaterThan(text.length);
      text = grown;
    }
    const [finish, usage] = chunks.slice(-2);
    expect(finish.choices).toEqual([{ index: 0, delta: {}, finish_reason: 'stop' }]);
    expect(usage.choices).toEqual([]);
    expect(usage.usage).toEqual({ prompt_tokens: countTokens(messages[0].content), completion_tokens: 15, total_tokens: countTokens(messages[0].content) + 15 });
    expect(countTokens(text)).toBe(15);
    expect(contentChunks.every((chunk) => chunk.usage === null)).toBe(true);
  });

  it('streams without a usage chunk unless asked for one', async () => {
    const agent = await start({ responseTokens: 4 });
    const response = await complete(agent, { model: 'starcoder2:15b', messages, stream: true });
    const payloads: string[] = [];
    for await (const line of responseLines(response)) if (line !== '') payloads.push(line.slice('data: '.length));
    expect(payloads).toHaveLength(4 + 2);
    expect(payloads.slice(0, -1).every((payload) => !('usage' in (JSON.parse(payload) as object)))).toBe(true);
  });

  it('answers a non-streamed request with a chat.completion and its usage, cut at max_tokens', async () => {
    const agent = await start({ responseTokens: 30 });
    const body = (await (await complete(agent, { model: 'starcoder2:15b', messages, max_tokens: 10 })).json()) as {
      object: string;
      choices: { message: { role: string; content: string }; finish_reason: string }[];
      usage: Usage;
    };
    expect(body.object).toBe('chat.completion');
    expect(body.choices[0].message.role).toBe('assistant');
    expect(body.choices[0].finish_reason).toBe('length');
    expect(countTokens(body.choices[0].message.content)).toBe(10);
    expect(body.usage).toEqual({ prompt_tokens: 7, completion_tokens: 10, total_tokens: 17 });
  });

  it('answers errors in OpenAI\'s shape: unknown model 404, missing messages 400, unknown path 404', async () => {
    const agent = await start();
    const unknown = await complete(agent, { model: 'gpt-4o', messages });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: { message: expect.stringContaining('gpt-4o'), type: 'invalid_request_error', param: null, code: 'model_not_found' } });
    const missing = await complete(agent, { model: 'starcoder2:15b' });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({ error: expect.objectContaining({ type: 'invalid_request_error', message: expect.stringContaining('messages') }) });
    const path = await fetch(`${agent.url}/v1/embeddings`, { method: 'POST', body: '{}' });
    expect(path.status).toBe(404);
    expect(await path.json()).toEqual({ error: expect.objectContaining({ type: 'invalid_request_error' }) });
  });

  it('fails every request with failure rate 1 as a 500 server_error', async () => {
    const agent = await start({ failureRate: 1 });
    for (const stream of [true, false]) {
      const response = await complete(agent, { model: 'starcoder2:15b', messages, stream });
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({ error: { message: expect.any(String), type: 'server_error', param: null, code: null } });
    }
    expect(agent.stats().requests.failed).toBe(2);
  });

  it('turns away requests above max concurrent with 429 rate_limit_exceeded', async () => {
    const agent = await start({ maxConcurrent: 1, tokensPerSecond: 10 });
    const controller = new AbortController();
    const first = await complete(agent, { model: 'starcoder2:15b', messages, stream: true }, controller.signal);
    const second = await complete(agent, { model: 'starcoder2:15b', messages });
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe('1');
    expect(await second.json()).toEqual({ error: expect.objectContaining({ code: 'rate_limit_exceeded' }) });
    controller.abort();
    await first.body?.cancel().catch(() => undefined);
    await waitFor(() => agent.stats().requests.active === 0, { description: 'the first request to end', timeoutMs: 5000 });
  });

  it('stops generating when a streaming client disconnects', async () => {
    const agent = await start({ tokensPerSecond: 50, responseTokens: 1000 });
    const controller = new AbortController();
    const response = await complete(agent, { model: 'starcoder2:15b', messages, stream: true }, controller.signal);
    let events = 0;
    await expect(
      (async () => {
        for await (const line of responseLines(response)) if (line !== '' && ++events === 3) controller.abort();
      })(),
    ).rejects.toThrow();
    await waitFor(() => agent.stats().requests.aborted === 1, { description: 'the simulator to count the abort', timeoutMs: 5000 });
    expect(agent.stats().requests.active).toBe(0);
    expect(agent.stats().tokens.generated).toBeLessThan(50);
  });
});
