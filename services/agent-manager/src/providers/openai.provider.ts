import { GenerationTimer } from './generation-timer';
import type { ChatMessage, GenerationOptions, GenerationRequest, GenerationResult, LlmProvider, ProbeResult } from './llm-provider';
import { ProviderHttpClient } from './provider-http.client';
import { readSseData } from './read-sse-data.util';

/** One `chat.completion.chunk` event (or an error event). */
interface CompletionChunk {
  readonly model?: string;
  readonly choices?: readonly { readonly delta?: { readonly content?: string | null }; readonly finish_reason?: string | null }[];
  readonly usage?: { readonly prompt_tokens?: number; readonly completion_tokens?: number } | null;
  readonly error?: { readonly message?: string } | string;
}

const CHAT_PATH = '/chat/completions';

/**
 * An OpenAI-compatible server (vLLM, llama.cpp server, LM Studio, Ollama's
 * /v1, hosted APIs): probed through /v1/models, generation streamed from
 * /v1/chat/completions asking for a usage chunk, counting chunks when the
 * server sends none. The base URL may end in `/v1` or not.
 */
export class OpenAiProvider implements LlmProvider {
  private readonly http: ProviderHttpClient;

  constructor(baseUrl: string, apiKey?: string) {
    const trimmed = baseUrl.replace(/\/+$/, '');
    this.http = new ProviderHttpClient(/\/v1$/.test(trimmed) ? trimmed : `${trimmed}/v1`, apiKey ? { Authorization: `Bearer ${apiKey}` } : {});
  }

  async probe(signal?: AbortSignal): Promise<ProbeResult> {
    const timer = new GenerationTimer();
    const body = await this.http.getJson('/models', signal);
    timer.end();
    const data = (body as { data?: unknown } | null)?.data;
    if (!Array.isArray(data)) throw this.http.badResponse('GET', '/models', 'no "data" array');
    const models = data.map((entry: unknown) => {
      const id = (entry as { id?: unknown } | null)?.id;
      if (typeof id !== 'string') throw this.http.badResponse('GET', '/models', 'a model without an "id"');
      return { name: id };
    });
    return { models, responseTimeMs: timer.responseTimeMs };
  }

  async generate(request: GenerationRequest, options: GenerationOptions = {}): Promise<GenerationResult> {
    const { signal, onProgress } = options;
    const messages = chatMessages(request);
    const timer = new GenerationTimer();
    const response = await this.http.postJson(
      CHAT_PATH,
      {
        model: request.model,
        messages,
        stream: true,
        stream_options: { include_usage: true },
        ...(request.maxTokens !== undefined ? { max_tokens: request.maxTokens } : {}),
        ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      },
      signal,
    );

    let text = '';
    let chunks = 0;
    let model: string | undefined;
    let finishReason: string | undefined;
    let usage: CompletionChunk['usage'];
    let sawDone = false;
    for await (const data of readSseData(this.http.lines(response, 'POST', CHAT_PATH, signal))) {
      if (data === '[DONE]') {
        sawDone = true;
        break;
      }
      const chunk = this.http.parseJson(data, 'POST', CHAT_PATH) as CompletionChunk | null;
      if (typeof chunk !== 'object' || chunk === null) throw this.http.badResponse('POST', CHAT_PATH, `not a JSON object: ${data.slice(0, 200)}`);
      if (chunk.error !== undefined) {
        throw this.http.streamedError('POST', CHAT_PATH, typeof chunk.error === 'string' ? chunk.error : (chunk.error.message ?? JSON.stringify(chunk.error)));
      }
      model ??= chunk.model;
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices?.[0];
      const piece = choice?.delta?.content ?? '';
      if (piece !== '') {
        timer.token();
        text += piece;
        chunks++;
        onProgress?.({ tokensSoFar: chunks, textLength: text.length });
      }
      if (choice?.finish_reason) finishReason = choice.finish_reason;
    }
    timer.end();
    if (!sawDone && finishReason === undefined) throw this.http.badResponse('POST', CHAT_PATH, 'the stream ended before a finish_reason or [DONE]');

    const completionTokens = usage?.completion_tokens ?? chunks;
    return {
      text,
      model: model ?? request.model,
      promptTokens: usage?.prompt_tokens ?? estimateTokens(messages),
      completionTokens,
      tokensPerSecond: timer.tokensPerSecond(completionTokens),
      responseTimeMs: timer.responseTimeMs,
      timeToFirstTokenMs: timer.timeToFirstTokenMs,
      doneReason: finishReason ?? 'stop',
    };
  }
}

function chatMessages(request: GenerationRequest): ChatMessage[] {
  return [
    ...(request.system !== undefined ? [{ role: 'system' as const, content: request.system }] : []),
    ...(request.messages ?? []),
    ...(request.prompt !== '' || request.messages === undefined ? [{ role: 'user' as const, content: request.prompt }] : []),
  ];
}

/** Without a usage chunk: the usual estimate of four characters per token. */
function estimateTokens(messages: readonly ChatMessage[]): number {
  return Math.ceil(messages.reduce((total, message) => total + message.content.length, 0) / 4);
}
