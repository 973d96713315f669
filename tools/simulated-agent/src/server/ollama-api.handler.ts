import type { CatalogModel } from '../simulation/model-catalog';
import type { GenerationOutcome, SimulationEngine } from '../simulation/simulation-engine';
import type { HttpExchange } from './http-exchange';
import { requestFields } from './request-fields';
import { RequestRejectedError } from './request-rejected.error';

/** The Ollama version the simulator claims to be. */
const OLLAMA_VERSION = '0.9.0';

type Endpoint = 'generate' | 'chat';

interface ParsedRequest {
  readonly model: CatalogModel;
  readonly prompt: string;
  readonly stream: boolean;
  readonly maxTokens?: number;
  /** An empty prompt (generate) or no messages (chat) only loads the model. */
  readonly loadOnly: boolean;
}

/**
 * Ollama's API as the simulator serves it: version, tags, ps, and generate
 * and chat streaming NDJSON (or one JSON object with `stream: false`), with
 * Ollama's field names, units (nanoseconds) and error bodies (`{ error }`).
 */
export class OllamaApiHandler {
  constructor(private readonly engine: SimulationEngine) {}

  async handle(exchange: HttpExchange): Promise<void> {
    const route = `${exchange.method} ${exchange.path}`;
    switch (route) {
      case 'GET /':
      case 'HEAD /':
        return exchange.sendText(200, 'Ollama is running');
      case 'GET /api/version':
        return exchange.sendJson(200, { version: OLLAMA_VERSION });
      case 'GET /api/tags':
        return exchange.sendJson(200, { models: this.engine.models.map((model) => describe(model)) });
      case 'GET /api/ps':
        return exchange.sendJson(200, {
          models: this.engine.loadedModels().map(({ model, expiresAt }) => ({
            ...describe(model),
            expires_at: expiresAt.toISOString(),
            size_vram: model.sizeBytes,
          })),
        });
      case 'POST /api/generate':
        return this.generate(exchange, 'generate');
      case 'POST /api/chat':
        return this.generate(exchange, 'chat');
      default:
        return exchange.sendText(404, '404 page not found');
    }
  }

  private async generate(exchange: HttpExchange, endpoint: Endpoint): Promise<void> {
    let request: ParsedRequest | undefined;
    try {
      request = this.parse(await exchange.readJsonObject(), endpoint);
    } catch (error) {
      if (!(error instanceof RequestRejectedError)) throw error;
      this.engine.noteInvalid();
      return exchange.sendJson(error.status, { error: error.message });
    }
    if (request.loadOnly) {
      this.engine.load(request.model);
      return exchange.sendJson(200, { ...head(request.model, endpoint, ''), done: true, done_reason: 'load' });
    }

    const admission = this.engine.admit();
    switch (admission.kind) {
      case 'busy':
        return exchange.sendJson(503, { error: 'server busy, please try again.  maximum pending requests exceeded' });
      case 'failed':
        return exchange.sendJson(500, { error: 'llama runner process has terminated: simulated failure' });
      case 'admitted':
        break;
    }
    try {
      if (request.stream) exchange.startStream('application/x-ndjson');
      const pieces: string[] = [];
      const outcome = await this.engine.generate({ model: request.model, prompt: request.prompt, maxTokens: request.maxTokens }, exchange.signal, async (piece) => {
        if (request.stream) await exchange.write(`${JSON.stringify({ ...head(request.model, endpoint, piece), done: false })}\n`);
        else pieces.push(piece);
      });
      const final = { ...head(request.model, endpoint, request.stream ? '' : outcome.text), ...doneFields(outcome) };
      if (request.stream) exchange.end(`${JSON.stringify(final)}\n`);
      else exchange.sendJson(200, final);
    } catch (error) {
      if (exchange.signal.aborted) return;
      const message = `simulated agent error: ${(error as Error).message}`;
      if (exchange.headersSent) exchange.end(`${JSON.stringify({ error: message })}\n`);
      else exchange.sendJson(500, { error: message });
    } finally {
      admission.release();
    }
  }

  private parse(body: Record<string, unknown>, endpoint: Endpoint): ParsedRequest {
    const modelName = requestFields.string(body, 'model');
    if (!modelName) throw RequestRejectedError.malformed('model is required');
    const model = this.engine.findModel(modelName);
    if (!model) throw new RequestRejectedError(404, `model "${modelName}" not found, try pulling it first`, 'model_not_found');
    const stream = requestFields.boolean(body, 'stream') ?? true;
    const maxTokens = requestFields.integer(requestFields.object(body, 'options') ?? {}, 'num_predict');
    if (endpoint === 'generate') {
      const prompt = requestFields.string(body, 'prompt') ?? '';
      const system = requestFields.string(body, 'system') ?? '';
      return { model, stream, maxTokens, prompt: [system, prompt].filter(Boolean).join('\n'), loadOnly: prompt === '' };
    }
    const messages = requestFields.messages(body, 'messages') ?? [];
    return { model, stream, maxTokens, prompt: messages.map((message) => message.content).join('\n'), loadOnly: messages.length === 0 };
  }
}

function describe(model: CatalogModel) {
  return {
    name: model.name,
    model: model.name,
    modified_at: model.modifiedAt,
    size: model.sizeBytes,
    digest: model.digest,
    details: {
      parent_model: '',
      format: 'gguf',
      family: model.family,
      families: [model.family],
      parameter_size: model.parameterSize,
      quantization_level: model.quantizationLevel,
    },
  };
}

/** The fields every generate / chat line starts with, carrying one piece of text. */
function head(model: CatalogModel, endpoint: Endpoint, text: string) {
  const common = { model: model.name, created_at: new Date().toISOString() };
  return endpoint === 'chat' ? { ...common, message: { role: 'assistant', content: text } } : { ...common, response: text };
}

function doneFields(outcome: GenerationOutcome) {
  return {
    done: true,
    done_reason: outcome.doneReason,
    total_duration: outcome.totalDurationNs,
    load_duration: outcome.loadDurationNs,
    prompt_eval_count: outcome.promptTokens,
    prompt_eval_duration: outcome.promptEvalDurationNs,
    eval_count: outcome.completionTokens,
    eval_duration: outcome.evalDurationNs,
  };
}
