import type { AgentProvider } from '@hive/contracts';
import type { LlmProvider } from './llm-provider';
import { OllamaProvider } from './ollama.provider';
import { OpenAiProvider } from './openai.provider';

export interface ProviderEndpoint {
  readonly kind: AgentProvider;
  /** The agent's endpoint, e.g. `http://127.0.0.1:11434` (OpenAI-compatible: with or without `/v1`). */
  readonly baseUrl: string;
  /** Sent as `Authorization: Bearer` to OpenAI-compatible endpoints. */
  readonly apiKey?: string;
}

/** The provider for an agent's endpoint; a ProviderError (unreachable) when the URL is not http(s). */
export function createProvider(endpoint: ProviderEndpoint): LlmProvider {
  switch (endpoint.kind) {
    case 'ollama':
      return new OllamaProvider(endpoint.baseUrl);
    case 'openai':
      return new OpenAiProvider(endpoint.baseUrl, endpoint.apiKey);
  }
}
