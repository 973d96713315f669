import type { JsonObject } from '../../validation/json-object';

/**
 * The output cap a task's payload asks for, in tokens: Hive's `maxTokens`, OpenAI's `max_tokens`, or
 * Ollama's `num_predict` (top level or under `options`). The agent runtime passes it to the provider
 * and the coordinator reserves tokens by it, so both read the same fields. Ollama's -1 and -2
 * ("unbounded") and anything that is not a positive integer mean no cap.
 */
export function taskOutputCap(payload: JsonObject | undefined): number | undefined {
  if (!payload) return undefined;
  const options = payload['options'];
  const candidates = [
    payload['maxTokens'],
    payload['max_tokens'],
    payload['num_predict'],
    typeof options === 'object' && options !== null && !Array.isArray(options) ? (options as JsonObject)['num_predict'] : undefined,
  ];
  return candidates.find((value): value is number => typeof value === 'number' && Number.isInteger(value) && value > 0);
}
