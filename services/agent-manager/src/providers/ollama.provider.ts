import { GenerationTimer } from './generation-timer';
import type { ChatMessage, GenerationOptions, GenerationRequest, GenerationResult, LlmProvider, ProbeResult, ProbedModel } from './llm-provider';
import { ProviderHttpClient } from './provider-http.client';

/** One line of Ollama's /api/generate or /api/chat stream. */
interface OllamaStreamLine {
  readonly response?: string;
  readonly message?: { readonly content?: string };
  readonly done?: boolean;
  readonly done_reason?: string;
  readonly model?: string;
  readonly prompt_eval_count?: number;
  readonly eval_count?: number;
  /** Nanoseconds. */
  readonly eval_duration?: number;
  readonly error?: string;
}

interface OllamaModelEntry {
  readonly name?: unknown;
  readonly model?: unknown;
  readonly size?: unknown;
  readonly details?: { readonly family?: unknown; readonly parameter_size?: unknown; readonly quantization_level?: unknown };
}

/**
 * An Ollama server: probed through /api/version, /api/tags and /api/ps;
 * generation streamed from /api/chat when there is a conversation or a system
 * prompt, otherwise from /api/generate. Tokens per second come from Ollama's
 * own eval_count / eval_duration when it reports them.
 */
export class OllamaProvider implements LlmProvider {
  private readonly http: ProviderHttpClient;

  constructor(baseUrl: string) {
    this.http = new ProviderHttpClient(baseUrl);
  }

  async probe(signal?: AbortSignal): Promise<ProbeResult> {
    const timer = new GenerationTimer();
    // The three in parallel; the first failure cancels the other two.
    const siblings = new AbortController();
    const probeSignal = signal ? AbortSignal.any([signal, siblings.signal]) : siblings.signal;
    let version: unknown, tags: unknown, ps: unknown;
    try {
      [version, tags, ps] = await Promise.all([
        this.http.getJson('/api/version', probeSignal),
        this.http.getJson('/api/tags', probeSignal),
        this.http.getJson('/api/ps', probeSignal),
      ]);
    } finally {
      siblings.abort();
    }
    timer.end();
    const versionText = (version as { version?: unknown } | null)?.version;
    if (typeof versionText !== 'string') throw this.http.badResponse('GET', '/api/version', 'no "version" string');
    return {
      version: versionText,
      models: this.modelList(tags, '/api/tags').map(toProbedModel),
      loadedModels: this.modelList(ps, '/api/ps').map((entry) => toProbedModel(entry).name),
      responseTimeMs: timer.responseTimeMs,
    };
  }

  async generate(request: GenerationRequest, options: GenerationOptions = {}): Promise<GenerationResult> {
    const { signal, onProgress } = options;
    const chat = request.messages !== undefined || request.system !== undefined;
    const path = chat ? '/api/chat' : '/api/generate';
    const timer = new GenerationTimer();
    const response = await this.http.postJson(path, chat ? chatBody(request) : generateBody(request), signal);

    let text = '';
    let chunks = 0;
    let final: OllamaStreamLine | undefined;
    for await (const line of this.http.lines(response, 'POST', path, signal)) {
      if (line.trim() === '') continue;
      const parsed = this.http.parseJson(line, 'POST', path) as OllamaStreamLine | null;
      if (typeof parsed !== 'object' || parsed === null) throw this.http.badResponse('POST', path, `not a JSON object: ${line.slice(0, 200)}`);
      if (typeof parsed.error === 'string') throw this.http.streamedError('POST', path, parsed.error);
      const piece = (chat ? parsed.message?.content : parsed.response) ?? '';
      if (piece !== '') {
        timer.token();
        text += piece;
        chunks++;
        onProgress?.({ tokensSoFar: chunks, textLength: text.length });
      }
      if (parsed.done === true) {
        final = parsed;
        break;
      }
    }
    timer.end();
    if (!final) throw this.http.badResponse('POST', path, 'the stream ended without a "done" line');

    const completionTokens = final.eval_count ?? chunks;
    const serverRate = final.eval_count !== undefined && final.eval_duration ? final.eval_count / (final.eval_duration / 1e9) : undefined;
    return {
      text,
      model: final.model ?? request.model,
      promptTokens: final.prompt_eval_count ?? 0,
      completionTokens,
      tokensPerSecond: serverRate ?? timer.tokensPerSecond(completionTokens),
      responseTimeMs: timer.responseTimeMs,
      timeToFirstTokenMs: timer.timeToFirstTokenMs,
      doneReason: final.done_reason ?? 'stop',
    };
  }

  private modelList(body: unknown, path: string): OllamaModelEntry[] {
    const models = (body as { models?: unknown } | null)?.models;
    if (!Array.isArray(models)) throw this.http.badResponse('GET', path, 'no "models" array');
    return models.map((entry: unknown) => {
      const { name, model } = (entry ?? {}) as OllamaModelEntry;
      if (typeof name !== 'string' && typeof model !== 'string') throw this.http.badResponse('GET', path, 'a model without a name');
      return entry as OllamaModelEntry;
    });
  }
}

function toProbedModel(entry: OllamaModelEntry): ProbedModel {
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  return {
    name: text(entry.name) ?? text(entry.model) ?? '',
    sizeBytes: typeof entry.size === 'number' ? entry.size : undefined,
    family: text(entry.details?.family),
    parameterSize: text(entry.details?.parameter_size),
    quantizationLevel: text(entry.details?.quantization_level),
  };
}

function modelOptions(request: GenerationRequest): Record<string, number> {
  return {
    ...(request.maxTokens !== undefined ? { num_predict: request.maxTokens } : {}),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
  };
}

function generateBody(request: GenerationRequest): object {
  return { model: request.model, prompt: request.prompt, stream: true, options: modelOptions(request) };
}

function chatBody(request: GenerationRequest): object {
  const messages: ChatMessage[] = [
    ...(request.system !== undefined ? [{ role: 'system' as const, content: request.system }] : []),
    ...(request.messages ?? []),
    ...(request.prompt !== '' ? [{ role: 'user' as const, content: request.prompt }] : []),
  ];
  return { model: request.model, messages, stream: true, options: modelOptions(request) };
}
