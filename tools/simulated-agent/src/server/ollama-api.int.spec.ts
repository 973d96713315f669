import { waitFor } from '@hive/testing';
import { countTokens } from '../simulation/count-tokens';
import { responseLines } from '../test/response-lines';
import { startSimulatedAgent, type SimulatedAgent, type SimulatedAgentOptions } from './simulated-agent.server';

interface StreamLine {
  readonly model: string;
  readonly response?: string;
  readonly message?: { role: string; content: string };
  readonly done: boolean;
  readonly done_reason?: string;
  readonly prompt_eval_count?: number;
  readonly eval_count?: number;
  readonly eval_duration?: number;
  readonly prompt_eval_duration?: number;
  readonly total_duration?: number;
}

describe('simulated agent: Ollama API', () => {
  const agents: SimulatedAgent[] = [];
  const start = async (options: Partial<SimulatedAgentOptions> = {}) => {
    const agent = await startSimulatedAgent({ name: 'acacia', models: ['deepseek-r1:7b', 'deepseek-coder-v2'], latencyMs: 0, tokensPerSecond: 0, ...options });
    agents.push(agent);
    return agent;
  };
  const post = (agent: SimulatedAgent, path: string, body: object, signal?: AbortSignal) =>
    fetch(`${agent.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), signal });

  afterEach(async () => {
    await Promise.all(agents.splice(0).map((agent) => agent.close()));
  });

  it('lists its models in /api/tags with Ollama details, and its version', async () => {
    const agent = await start();
    const tags = (await (await fetch(`${agent.url}/api/tags`)).json()) as { models: { name: string; model: string; size: number; digest: string; details: Record<string, string> }[] };
    expect(tags.models.map((model) => model.name)).toEqual(['deepseek-r1:7b', 'deepseek-coder-v2:latest']);
    expect(tags.models[0]).toMatchObject({
      model: 'deepseek-r1:7b',
      size: expect.any(Number),
      digest: expect.stringMatching(/^[0-9a-f]{64}$/),
      details: { family: 'qwen2', parameter_size: '7.6B', quantization_level: 'Q4_K_M' },
    });
    const version = (await (await fetch(`${agent.url}/api/version`)).json()) as { version: string };
    expect(version.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('reports a model in /api/ps once it has been used, not before', async () => {
    const agent = await start();
    const before = (await (await fetch(`${agent.url}/api/ps`)).json()) as { models: unknown[] };
    expect(before.models).toEqual([]);
    await (await post(agent, '/api/generate', { model: 'deepseek-coder-v2', prompt: 'hello', stream: false })).json();
    const after = (await (await fetch(`${agent.url}/api/ps`)).json()) as { models: { name: string; expires_at: string; size_vram: number }[] };
    expect(after.models).toEqual([expect.objectContaining({ name: 'deepseek-coder-v2:latest', size_vram: expect.any(Number) })]);
    expect(Date.parse(after.models[0].expires_at)).toBeGreaterThan(Date.now());
  });

  it('streams /api/generate as NDJSON: growing text line by line, then a done line whose counts match the text', async () => {
    const agent = await start({ tokensPerSecond: 100, latencyMs: 30, responseTokens: 12 });
    const prompt = 'Explain the event sourcing pattern in two sentences';
    const response = await post(agent, '/api/generate', { model: 'deepseek-r1:7b', prompt });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-ndjson');

    const lines: StreamLine[] = [];
    const arrivals: number[] = [];
    let text = '';
    for await (const line of responseLines(response)) {
      const parsed = JSON.parse(line) as StreamLine;
      lines.push(parsed);
      arrivals.push(performance.now());
      if (!parsed.done) {
        expect(parsed.response).not.toBe('');
        const grown = text + (parsed.response ?? '');
        expect(grown.length).toBeGreaterThan(text.length);
        text = grown;
      }
    }
    const final = lines[lines.length - 1];
    expect(lines.slice(0, -1).every((line) => !line.done)).toBe(true);
    expect(final).toMatchObject({ model: 'deepseek-r1:7b', response: '', done: true, done_reason: 'stop' });
    expect(final.eval_count).toBe(12);
    expect(lines.length - 1).toBe(12);
    expect(countTokens(text)).toBe(final.eval_count);
    expect(final.prompt_eval_count).toBe(countTokens(prompt));
    // Durations are nanoseconds: 30 ms of latency, about 120 ms of generation.
    expect(final.prompt_eval_duration).toBeGreaterThanOrEqual(25e6);
    expect(final.eval_duration).toBeGreaterThanOrEqual(100e6);
    expect(final.total_duration).toBeGreaterThanOrEqual((final.prompt_eval_duration ?? 0) + (final.eval_duration ?? 0));
    // Streamed, not buffered: the tokens arrived spread over the generation time.
    expect(arrivals[arrivals.length - 2] - arrivals[0]).toBeGreaterThan(60);
  });

  it('answers stream:false with one JSON object holding the same deterministic text', async () => {
    const agent = await start({ responseTokens: 20 });
    const request = { model: 'deepseek-r1:7b', prompt: 'Write a haiku about Kafka', system: 'You are terse' };
    const first = (await (await post(agent, '/api/generate', { ...request, stream: false })).json()) as StreamLine;
    const second = (await (await post(agent, '/api/generate', { ...request, stream: false })).json()) as StreamLine;
    expect(first).toMatchObject({ done: true, done_reason: 'stop', eval_count: 20, prompt_eval_count: 8 });
    expect(countTokens(first.response ?? '')).toBe(20);
    expect(second.response).toBe(first.response);
    const other = (await (await post(agent, '/api/generate', { ...request, prompt: 'Something else', stream: false })).json()) as StreamLine;
    expect(other.response).not.toBe(first.response);
  });

  it('streams /api/chat with message.content pieces and stops at num_predict with done_reason "length"', async () => {
    const agent = await start({ responseTokens: 50 });
    const response = await post(agent, '/api/chat', {
      model: 'deepseek-coder-v2',
      messages: [{ role: 'system', content: 'You review code' }, { role: 'user', content: 'Review this function please' }],
      options: { num_predict: 7 },
    });
    const lines: StreamLine[] = [];
    for await (const line of responseLines(response)) lines.push(JSON.parse(line) as StreamLine);
    const content = lines.filter((line) => !line.done).map((line) => line.message?.content ?? '').join('');
    expect(lines.every((line) => line.message?.role === 'assistant')).toBe(true);
    expect(lines[lines.length - 1]).toMatchObject({ done: true, done_reason: 'length', eval_count: 7, prompt_eval_count: 7 });
    expect(countTokens(content)).toBe(7);
  });

  it('generates at the configured tokens per second', async () => {
    const agent = await start({ tokensPerSecond: 40, responseTokens: 30 });
    const response = await post(agent, '/api/generate', { model: 'deepseek-r1:7b', prompt: 'count' });
    const arrivals: number[] = [];
    let final: StreamLine | undefined;
    for await (const line of responseLines(response)) {
      const parsed = JSON.parse(line) as StreamLine;
      if (parsed.done) final = parsed;
      else arrivals.push(performance.now());
    }
    // 29 intervals between the first and the 30th token.
    const measured = (arrivals.length - 1) / ((arrivals[arrivals.length - 1] - arrivals[0]) / 1000);
    expect(measured).toBeGreaterThan(40 * 0.75);
    expect(measured).toBeLessThan(40 * 1.25);
    const reported = (final?.eval_count ?? 0) / ((final?.eval_duration ?? 1) / 1e9);
    expect(reported).toBeGreaterThan(40 * 0.8);
    expect(reported).toBeLessThan(40 * 1.1);
  });

  it('generates as fast as possible with tokens per second 0', async () => {
    const agent = await start({ tokensPerSecond: 0, responseTokens: 5000 });
    const started = performance.now();
    const result = (await (await post(agent, '/api/generate', { model: 'deepseek-r1:7b', prompt: 'go', stream: false })).json()) as StreamLine;
    expect(result.eval_count).toBe(5000);
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('answers 404 in Ollama\'s words for an unknown model', async () => {
    const agent = await start();
    for (const path of ['/api/generate', '/api/chat']) {
      const response = await post(agent, path, { model: 'llama3:70b', prompt: 'hi', messages: [{ role: 'user', content: 'hi' }] });
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: 'model "llama3:70b" not found, try pulling it first' });
    }
    expect(agent.stats().requests.invalid).toBe(2);
  });

  it('answers 400 with an error for a malformed body', async () => {
    const agent = await start();
    const response = await fetch(`${agent.url}/api/generate`, { method: 'POST', body: '{not json' });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: expect.stringContaining('invalid JSON body') });
  });

  it('fails every request with failure rate 1, in Ollama\'s error shape', async () => {
    const agent = await start({ failureRate: 1 });
    const responses = await Promise.all([1, 2, 3, 4, 5].map(() => post(agent, '/api/generate', { model: 'deepseek-r1:7b', prompt: 'hi' })));
    for (const response of responses) {
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({ error: expect.any(String) });
    }
    expect(agent.stats().requests).toMatchObject({ received: 5, failed: 5, completed: 0 });
  });

  it('turns away requests above max concurrent with 503', async () => {
    const agent = await start({ maxConcurrent: 1, tokensPerSecond: 20, responseTokens: 40 });
    const controller = new AbortController();
    const first = await post(agent, '/api/generate', { model: 'deepseek-r1:7b', prompt: 'long' }, controller.signal);
    expect(first.status).toBe(200);
    const second = await post(agent, '/api/generate', { model: 'deepseek-r1:7b', prompt: 'short' });
    expect(second.status).toBe(503);
    expect(await second.json()).toEqual({ error: expect.stringContaining('server busy') });
    controller.abort();
    await waitFor(() => agent.stats().requests.active === 0, { description: 'the first request to end', timeoutMs: 5000 });
    expect((await post(agent, '/api/generate', { model: 'deepseek-r1:7b', prompt: 'again', stream: false, options: { num_predict: 1 } })).status).toBe(200);
  });

  it('stops generating when the client disconnects, and counts the abort', async () => {
    const agent = await start({ tokensPerSecond: 50, responseTokens: 1000 });
    const controller = new AbortController();
    const response = await post(agent, '/api/generate', { model: 'deepseek-r1:7b', prompt: 'a very long answer' }, controller.signal);
    let received = 0;
    await expect(
      (async () => {
        for await (const _line of responseLines(response)) {
          if (++received === 3) controller.abort();
        }
      })(),
    ).rejects.toThrow();
    await waitFor(() => agent.stats().requests.aborted === 1, { description: 'the simulator to count the abort', timeoutMs: 5000 });
    const stats = agent.stats();
    expect(stats.requests).toMatchObject({ active: 0, completed: 0, aborted: 1 });
    expect(stats.tokens.generated).toBeGreaterThanOrEqual(3);
    expect(stats.tokens.generated).toBeLessThan(50);
  });

  it('stops generating a non-streamed answer when the client disconnects during the latency', async () => {
    const agent = await start({ latencyMs: 10_000 });
    const controller = new AbortController();
    const pending = post(agent, '/api/generate', { model: 'deepseek-r1:7b', prompt: 'slow', stream: false }, controller.signal);
    await waitFor(() => agent.stats().requests.active === 1, { description: 'the request to be admitted', timeoutMs: 5000 });
    controller.abort();
    await expect(pending).rejects.toThrow();
    await waitFor(() => agent.stats().requests.aborted === 1, { description: 'the simulator to count the abort', timeoutMs: 5000 });
    expect(agent.stats().tokens.generated).toBe(0);
  });
});
