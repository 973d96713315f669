/** One model an endpoint serves, with what the endpoint says about it (Ollama says more than OpenAI-compatible servers). */
export interface ProbedModel {
  readonly name: string;
  readonly sizeBytes?: number;
  readonly family?: string;
  readonly parameterSize?: string;
  readonly quantizationLevel?: string;
}

/** What a health probe learned about an endpoint. */
export interface ProbeResult {
  /** Server version (Ollama); undefined when the API has none. */
  readonly version?: string;
  readonly models: readonly ProbedModel[];
  /** Models loaded in memory (Ollama /api/ps); undefined when the API cannot tell. */
  readonly loadedModels?: readonly string[];
  /** Wall-clock time of the whole probe. */
  readonly responseTimeMs: number;
}

export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

export interface GenerationRequest {
  readonly model: string;
  /** The user's prompt; sent as the last user message when `messages` are given too (empty: not sent). */
  readonly prompt: string;
  readonly system?: string;
  /** Earlier conversation, sent before the prompt. */
  readonly messages?: readonly ChatMessage[];
  readonly maxTokens?: number;
  readonly temperature?: number;
}

export interface GenerationProgress {
  /** Completion tokens received so far (one per streamed chunk). */
  readonly tokensSoFar: number;
  /** Length of the text received so far, in UTF-16 code units. */
  readonly textLength: number;
}

export interface GenerationOptions {
  /** Aborting stops the call (and the server's generation); a TimeoutError reason (AbortSignal.timeout) reports a timeout. */
  readonly signal?: AbortSignal;
  /** Called as tokens stream in. */
  readonly onProgress?: (progress: GenerationProgress) => void;
}

export interface GenerationResult {
  readonly text: string;
  readonly model: string;
  readonly promptTokens: number;
  readonly completionTokens: number;
  /** Completion tokens per second of generation (the server's own figure when it gives one). */
  readonly tokensPerSecond: number;
  /** Wall-clock time from the request to the end of the answer. */
  readonly responseTimeMs: number;
  /** Wall-clock time from the request to the first token (the response time when no token came). */
  readonly timeToFirstTokenMs: number;
  /** Why generation stopped, as the server says: `stop`, `length`, ... */
  readonly doneReason: string;
}

/**
 * An LLM endpoint as the agent manager uses it: probe it for health and
 * models, and run a generation, streamed. Implementations reject with
 * ProviderError only.
 */
export interface LlmProvider {
  probe(signal?: AbortSignal): Promise<ProbeResult>;
  generate(request: GenerationRequest, options?: GenerationOptions): Promise<GenerationResult>;
}
