import { randomBytes } from 'node:crypto';
import type { CatalogModel } from '../simulation/model-catalog';
import type { GenerationOutcome, SimulationEngine } from '../simulation/simulation-engine';
import type { HttpExchange } from './http-exchange';
import { requestFields } from './request-fields';
import { RequestRejectedError } from './request-rejected.error';

interface ParsedRequest {
  readonly model: CatalogModel;
  readonly prompt: string;
  readonly stream: boolean;
  readonly includeUsage: boolean;
  readonly maxTokens?: number;
}

type OpenAiErrorType = 'invalid_request_error' | 'server_error' | 'requests';

/**
 * The OpenAI-compatible API as the simulator serves it (the subset Ollama,
 * vLLM and llama.cpp server offer): the model list and chat completions,
 * streamed as server-sent `chat.completion.chunk` events ending in
 * `data: [DONE]`, with a usage chunk on `stream_options.include_usage`.
 */
export class OpenAiApiHandler {
  constructor(private readonly engine: SimulationEngine) {}

  async handle(exchange: HttpExchange): Promise<void> {
    if (exchange.method === 'GET' && exchange.path === '/v1/models') {
      return exchange.sendJson(200, { object: 'list', data: this.engine.models.map(describe) });
    }
    if (exchange.method === 'GET' && exchange.path.startsWith('/v1/models/')) {
      const name = decodeURIComponent(exchange.path.slice('/v1/models/'.length));
      const model = this.engine.findModel(name);
      return model ? exchange.sendJson(200, describe(model)) : sendError(exchange, modelNotFound(name));
    }
    if (exchange.method === 'POST' && exchange.path === '/v1/chat/completions') return this.chatCompletion(exchange);
    return sendError(exchange, new RequestRejectedError(404, `Invalid URL (${exchange.method} ${exchange.path})`));
  }

  private async chatCompletion(exchange: HttpExchange): Promise<void> {
    let request: ParsedRequest;
    try {
      request = this.parse(await exchange.readJsonObject());
    } catch (error) {
      if (!(error instanceof RequestRejectedError)) throw error;
      this.engine.noteInvalid();
      return sendError(exchange, error);
    }

    const admission = this.engine.admit();
    switch (admission.kind) {
      case 'busy':
        return exchange.sendJson(429, errorBody('Too many concurrent requests, please retry shortly.', 'requests', 'rate_limit_exceeded'), { 'Retry-After': '1' });
      case 'failed':
        return exchange.sendJson(500, errorBody('The server had an error while processing your request. Sorry about that!', 'server_error'));
      case 'admitted':
        break;
    }
    const id = `chatcmpl-${randomBytes(12).toString('hex')}`;
    const created = Math.floor(Date.now() / 1000);
    const head = (object: 'chat.completion' | 'chat.completion.chunk') => ({ id, object, created, model: request.model.name, system_fingerprint: 'fp_simulated' });
    const usageField = request.includeUsage ? { usage: null } : {};
    const chunk = (delta: object, finishReason: string | null) => ({
      ...head('chat.completion.chunk'), choices: [{ index: 0, delta, finish_reason: finishReason }], ...usageField,
    });
    try {
      if (request.stream) exchange.startStream('text/event-stream', { Connection: 'keep-alive' });
      let first = true;
      const outcome = await this.engine.generate({ model: request.model, prompt: request.prompt, maxTokens: request.maxTokens }, exchange.signal, async (piece) => {
        if (!request.stream) return;
        await exchange.write(event(chunk(first ? { role: 'assistant', content: piece } : { content: piece }, null)));
        first = false;
      });
      if (!request.stream) {
        return exchange.sendJson(200, {
          ...head('chat.completion'),
          choices: [{ index: 0, message: { role: 'assistant', content: outcome.text }, finish_reason: outcome.doneReason }],
          usage: usage(outcome),
        });
      }
      await exchange.write(event(chunk({}, outcome.doneReason)));
      if (request.includeUsage) await exchange.write(event({ ...head('chat.completion.chunk'), choices: [], usage: usage(outcome) }));
      exchange.end('data: [DONE]\n\n');
    } catch (error) {
      if (exchange.signal.aborted) return;
      const body = errorBody(`simulated agent error: ${(error as Error).message}`, 'server_error');
      if (exchange.headersSent) exchange.end(event(body));
      else exchange.sendJson(500, body);
    } finally {
      admission.release();
    }
  }

  private parse(body: Record<string, unknown>): ParsedRequest {
    const modelName = requestFields.string(body, 'model');
    if (!modelName) throw RequestRejectedError.malformed('you must provide a model parameter');
    const messages = requestFields.messages(body, 'messages');
    if (!messages || messages.length === 0) throw RequestRejectedError.malformed("'messages' must be a non-empty array");
    const model = this.engine.findModel(modelName);
    if (!model) throw modelNotFound(modelName);
    return {
      model,
      prompt: messages.map((message) => message.content).join('\n'),
      stream: requestFields.boolean(body, 'stream') ?? false,
      includeUsage: requestFields.boolean(requestFields.object(body, 'stream_options') ?? {}, 'include_usage') ?? false,
      maxTokens: requestFields.integer(body, 'max_completion_tokens') ?? requestFields.integer(body, 'max_tokens'),
    };
  }
}

function describe(model: CatalogModel) {
  return { id: model.name, object: 'model', created: Math.floor(Date.parse(model.modifiedAt) / 1000), owned_by: 'library' };
}

function modelNotFound(name: string): RequestRejectedError {
  return new RequestRejectedError(404, `The model \`${name}\` does not exist or you do not have access to it.`, 'model_not_found');
}

function sendError(exchange: HttpExchange, error: RequestRejectedError): void {
  exchange.sendJson(error.status, errorBody(error.message, 'invalid_request_error', error.code));
}

function errorBody(message: string, type: OpenAiErrorType, code: string | null = null) {
  return { error: { message, type, param: null, code } };
}

function usage(outcome: GenerationOutcome) {
  return { prompt_tokens: outcome.promptTokens, completion_tokens: outcome.completionTokens, total_tokens: outcome.promptTokens + outcome.completionTokens };
}

function event(data: object): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}
