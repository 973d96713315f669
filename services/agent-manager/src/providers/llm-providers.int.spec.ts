import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTsProcess, waitFor, type RunningProcess } from '@hive/testing';
import { createProvider } from './create-provider';
import type { GenerationProgress, LlmProvider } from './llm-provider';
import { ProviderError, ProviderErrorCode } from './provider-error';

/**
 * The providers against the simulated agent, run as the separate program it
 * is (tools/simulated-agent): the provider talks to it over HTTP exactly as to
 * a real Ollama or OpenAI-compatible server. Each test sets the agent's
 * behaviour through PATCH /sim/settings and reads its counters from /sim/stats.
 */

interface SimStats {
  readonly requests: { readonly active: number; readonly aborted: number; readonly completed: number };
  readonly tokens: { readonly generated: number };
}

interface Settings {
  readonly latencyMs: number;
  readonly tokensPerSecond: number;
  readonly failureRate: number;
  readonly maxConcurrent: number;
  readonly responseTokens: number;
}

const FAST: Settings = { latencyMs: 0, tokensPerSecond: 0, failureRate: 0, maxConcurrent: 0, responseTokens: 16 };

let simulator: RunningProcess;
let agentUrl: string;

const stats = async (): Promise<SimStats> => (await (await fetch(`${agentUrl}/sim/stats`)).json()) as SimStats;
const tune = async (changes: Partial<Settings>): Promise<void> => {
  const response = await fetch(`${agentUrl}/sim/settings`, { method: 'PATCH', body: JSON.stringify(changes) });
  expect(response.status).toBe(200);
};
const rejection = async (promise: Promise<unknown>): Promise<ProviderError> => {
  const error = await promise.then(() => undefined, (reason: unknown) => reason);
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
};

/** Aborts the generation after three tokens; the agent must then stop generating and count the abort. */
async function expectAbortStopsTheAgent(provider: LlmProvider, model: string): Promise<void> {
  await tune({ tokensPerSecond: 50, responseTokens: 1000 });
  const before = await stats();
  const controller = new AbortController();
  const error = await rejection(
    provider.generate({ model, prompt: 'a very long story' }, {
      signal: controller.signal,
      onProgress: ({ tokensSoFar }) => {
        if (tokensSoFar === 3) controller.abort();
      },
    }),
  );
  expect(error.code).toBe(ProviderErrorCode.Aborted);
  expect(error.retriable).toBe(false);
  const after = await waitFor(async () => {
    const current = await stats();
    return current.requests.aborted === before.requests.aborted + 1 && current.requests.active === 0 ? current : undefined;
  }, { description: 'the agent to stop generating and count the abort', timeoutMs: 5000 });
  expect(after.requests.completed).toBe(before.requests.completed);
  expect(after.tokens.generated - before.tokens.generated).toBeGreaterThanOrEqual(3);
  expect(after.tokens.generated - before.tokens.generated).toBeLessThan(50);
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A throwaway HTTP server for what the simulator does not do (a wrong API, a server without usage chunks). */
async function withServer(listener: RequestListener, use: (url: string) => Promise<void>): Promise<void> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await use(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

beforeAll(async () => {
  simulator = startTsProcess('tools/simulated-agent/src/main.ts', {
    ...process.env,
    SIM_NAME: 'acacia',
    SIM_MODELS: 'deepseek-r1:7b,starcoder2:15b',
    SIM_PORT: '0',
    SIM_LATENCY_MS: '0',
    SIM_TOKENS_PER_SECOND: '0',
  });
  await simulator.waitForOutput(/listening on http:\/\/\S+\n/);
  agentUrl = /listening on (http:\/\/\S+)\n/.exec(simulator.output())?.[1] ?? '';
}, 60_000);

afterAll(async () => {
  await simulator?.kill();
});

beforeEach(async () => {
  await tune(FAST);
});

afterEach(() => {
  jest.restoreAllMocks();
});

describe('OllamaProvider', () => {
  const provider = () => createProvider({ kind: 'ollama', baseUrl: agentUrl });

  it('probes version, models with their details, and loaded models', async () => {
    const probe = await provider().probe(AbortSignal.timeout(5000));
    expect(probe.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(probe.models).toEqual([
      { name: 'deepseek-r1:7b', sizeBytes: expect.any(Number), family: 'qwen2', parameterSize: '7.6B', quantizationLevel: 'Q4_K_M' },
      expect.objectContaining({ name: 'starcoder2:15b', family: 'starcoder2' }),
    ]);
    expect(probe.responseTimeMs).toBeGreaterThan(0);

    await provider().generate({ model: 'starcoder2:15b', prompt: 'hello' });
    expect((await provider().probe()).loadedModels).toContain('starcoder2:15b');
  });

  it('streams from /api/generate, reporting progress as tokens arrive and the counts Ollama reports', async () => {
    await tune({ latencyMs: 80, tokensPerSecond: 100, responseTokens: 40 });
    const fetchSpy = jest.spyOn(global, 'fetch');
    const progress: GenerationProgress[] = [];
    const prompt = 'Explain backpressure in one paragraph';
    const result = await provider().generate({ model: 'deepseek-r1:7b', prompt }, { onProgress: (update) => progress.push(update) });

    expect(String(fetchSpy.mock.calls[0][0])).toBe(`${agentUrl}/api/generate`);
    expect(progress.map((update) => update.tokensSoFar)).toEqual(Array.from({ length: 40 }, (_, index) => index + 1));
    for (let index = 1; index < progress.length; index++) expect(progress[index].textLength).toBeGreaterThan(progress[index - 1].textLength);
    expect(progress[progress.length - 1].textLength).toBe(result.text.length);
    expect(result).toMatchObject({ model: 'deepseek-r1:7b', promptTokens: 5, completionTokens: 40, doneReason: 'stop' });
    expect(result.text.split(' ')).toHaveLength(40);
    // Ollama's own figure, eval_count over eval_duration: the agent's 100 tokens/s (late timers only slow it).
    expect(result.tokensPerSecond).toBeGreaterThan(80);
    expect(result.tokensPerSecond).toBeLessThan(105);
    expect(result.timeToFirstTokenMs).toBeGreaterThanOrEqual(80);
    expect(result.responseTimeMs).toBeGreaterThanOrEqual(result.timeToFirstTokenMs + 300);
  });

  it('uses /api/chat for a conversation with a system prompt, and stops at maxTokens', async () => {
    await tune({ responseTokens: 50 });
    const fetchSpy = jest.spyOn(global, 'fetch');
    const result = await provider().generate({
      model: 'deepseek-r1:7b',
      system: 'You review code',
      messages: [{ role: 'user', content: 'Here is my diff' }, { role: 'assistant', content: 'Looks fine' }],
      prompt: 'Are you sure',
      maxTokens: 5,
    });
    expect(String(fetchSpy.mock.calls[0][0])).toBe(`${agentUrl}/api/chat`);
    expect(result).toMatchObject({ promptTokens: 3 + 4 + 2 + 3, completionTokens: 5, doneReason: 'length' });
  });

  it('stops the agent\'s generation when the caller aborts mid-stream, and rejects with aborted', async () => {
    await expectAbortStopsTheAgent(provider(), 'deepseek-r1:7b');
  });

  it('rejects with timeout when the signal times out', async () => {
    await tune({ latencyMs: 10_000 });
    const error = await rejection(provider().generate({ model: 'deepseek-r1:7b', prompt: 'slow' }, { signal: AbortSignal.timeout(100) }));
    expect(error.code).toBe(ProviderErrorCode.Timeout);
    expect(error.retriable).toBe(true);
  });

  it('rejects with unreachable, naming the endpoint and the cause, when nothing listens there', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const unreachable = createProvider({ kind: 'ollama', baseUrl: url });
    const probe = await rejection(unreachable.probe());
    expect(probe.code).toBe(ProviderErrorCode.Unreachable);
    expect(probe.message).toContain(url);
    expect(probe.message).toContain('ECONNREFUSED');
    expect(probe.retriable).toBe(true);
    expect((await rejection(unreachable.generate({ model: 'deepseek-r1:7b', prompt: 'hi' }))).code).toBe(ProviderErrorCode.Unreachable);
  });

  it('rejects with http_error and the status when the agent fails the request', async () => {
    await tune({ failureRate: 1 });
    const error = await rejection(provider().generate({ model: 'deepseek-r1:7b', prompt: 'hi' }));
    expect(error).toMatchObject({ code: ProviderErrorCode.HttpError, details: { status: 500 } });
    expect(error.message).toContain(`POST ${agentUrl}/api/generate: HTTP 500: llama runner process has terminated`);
    expect(error.retriable).toBe(true);
  });

  it('rejects with model_not_found for a model the agent does not have', async () => {
    const error = await rejection(provider().generate({ model: 'llama3:70b', prompt: 'hi' }));
    expect(error).toMatchObject({ code: ProviderErrorCode.ModelNotFound, details: { status: 404 } });
    expect(error.message).toContain('llama3:70b');
    expect(error.retriable).toBe(false);
  });

  it('rejects with bad_response when the endpoint is not an Ollama server', async () => {
    await withServer((_request, response) => response.end('<html>hello</html>'), async (url) => {
      const error = await rejection(createProvider({ kind: 'ollama', baseUrl: url }).probe());
      expect(error.code).toBe(ProviderErrorCode.BadResponse);
      expect(error.message).toContain('not JSON: <html>hello</html>');
    });
  });

  it('refuses an endpoint that is not an http(s) URL', () => {
    expect(() => createProvider({ kind: 'ollama', baseUrl: 'ftp://example.org' })).toThrow(ProviderError);
  });
});

describe('OpenAiProvider', () => {
  const provider = () => createProvider({ kind: 'openai', baseUrl: agentUrl });

  it('probes /v1/models, with or without /v1 in the endpoint', async () => {
    for (const baseUrl of [agentUrl, `${agentUrl}/v1`, `${agentUrl}/v1/`]) {
      const probe = await createProvider({ kind: 'openai', baseUrl }).probe();
      expect(probe.models).toEqual([{ name: 'deepseek-r1:7b' }, { name: 'starcoder2:15b' }]);
      expect(probe.version).toBeUndefined();
      expect(probe.responseTimeMs).toBeGreaterThan(0);
    }
  });

  it('streams /v1/chat/completions, reporting progress and the usage the server sends', async () => {
    await tune({ latencyMs: 50, tokensPerSecond: 50, responseTokens: 40 });
    const progress: GenerationProgress[] = [];
    const result = await provider().generate(
      { model: 'starcoder2:15b', system: 'You write code', prompt: 'Write a function that adds two numbers', maxTokens: 200 },
      { onProgress: (update) => progress.push(update) },
    );
    expect(progress.map((update) => update.tokensSoFar)).toEqual(Array.from({ length: 40 }, (_, index) => index + 1));
    expect(progress[progress.length - 1].textLength).toBe(result.text.length);
    expect(result).toMatchObject({ model: 'starcoder2:15b', promptTokens: 3 + 7, completionTokens: 40, doneReason: 'stop' });
    // Measured between tokens: the agent's 50 tokens/s.
    expect(result.tokensPerSecond).toBeGreaterThan(50 * 0.75);
    expect(result.tokensPerSecond).toBeLessThan(50 * 1.25);
    expect(result.timeToFirstTokenMs).toBeGreaterThanOrEqual(50);
    expect(result.responseTimeMs).toBeGreaterThan(result.timeToFirstTokenMs);
  });

  it('reports doneReason length when maxTokens cuts the answer', async () => {
    const result = await provider().generate({ model: 'starcoder2:15b', prompt: 'go on', maxTokens: 4 });
    expect(result).toMatchObject({ completionTokens: 4, doneReason: 'length' });
  });

  it('counts chunks and estimates the prompt when the server sends no usage, across awkward chunk boundaries', async () => {
    const events = ['Hello', ' there', ', friend'].map((content) => `data: ${JSON.stringify({ model: 'tiny', choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`);
    events.push(`data: ${JSON.stringify({ model: 'tiny', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`, 'data: [DONE]\n\n');
    const wire = events.join('');
    await withServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/event-stream' });
      // Cut the stream every 7 bytes, through JSON and line breaks alike.
      for (let offset = 0; offset < wire.length; offset += 7) response.write(wire.slice(offset, offset + 7));
      response.end();
    }, async (url) => {
      const progress: number[] = [];
      const result = await createProvider({ kind: 'openai', baseUrl: url }).generate({ model: 'tiny', prompt: 'sixteen chars ok' }, { onProgress: (update) => progress.push(update.tokensSoFar) });
      expect(result).toMatchObject({ text: 'Hello there, friend', completionTokens: 3, promptTokens: 4, doneReason: 'stop', model: 'tiny' });
      expect(progress).toEqual([1, 2, 3]);
    });
  });

  it('sends the API key as a bearer token and keeps it out of errors', async () => {
    const seen: (string | undefined)[] = [];
    await withServer((request, response) => {
      seen.push(request.headers.authorization);
      response.writeHead(401, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } }));
    }, async (url) => {
      const keyed = createProvider({ kind: 'openai', baseUrl: `http://user:secret@${url.slice('http://'.length)}`, apiKey: 'sk-test-123' });
      const error = await rejection(keyed.probe());
      expect(seen).toEqual(['Bearer sk-test-123']);
      expect(error).toMatchObject({ code: ProviderErrorCode.HttpError, details: { status: 401 } });
      expect(error.message).toContain('HTTP 401: Incorrect API key provided');
      expect(`${error.message} ${JSON.stringify(error)}`).not.toMatch(/sk-test-123|secret/);

      const basic = await rejection(createProvider({ kind: 'openai', baseUrl: `http://user:secret@${url.slice('http://'.length)}` }).probe());
      expect(seen[1]).toBe(`Basic ${Buffer.from('user:secret').toString('base64')}`);
      expect(`${basic.message} ${JSON.stringify(basic)}`).not.toMatch(/secret|dXNlcjpzZWNyZXQ/);
    });
  });

  it('stops the agent\'s generation when the caller aborts mid-stream, and rejects with aborted', async () => {
    await expectAbortStopsTheAgent(provider(), 'starcoder2:15b');
  });

  it('rejects with http_error 500 when the agent fails, and model_not_found for an unknown model', async () => {
    const unknown = await rejection(provider().generate({ model: 'gpt-4o', prompt: 'hi' }));
    expect(unknown).toMatchObject({ code: ProviderErrorCode.ModelNotFound, details: { status: 404 } });
    await tune({ failureRate: 1 });
    const failed = await rejection(provider().generate({ model: 'starcoder2:15b', prompt: 'hi' }));
    expect(failed).toMatchObject({ code: ProviderErrorCode.HttpError, details: { status: 500 } });
    expect(failed.message).toContain(`POST ${agentUrl}/v1/chat/completions: HTTP 500`);
  });

  it('rejects with unreachable when nothing listens there', async () => {
    const error = await rejection(createProvider({ kind: 'openai', baseUrl: `http://127.0.0.1:${await closedPort()}` }).probe());
    expect(error.code).toBe(ProviderErrorCode.Unreachable);
  });
});
