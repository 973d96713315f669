import type { JsonObject, JsonValue, N8nItem } from '../n8n/n8n-workflow.types';
import type { EffectResult, HttpRequestSpec } from './effects';
import { isObject } from './node-context';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Performs an HTTP Request node's requests. Each request carries an
 * `Idempotency-Key` derived from the execution, node, run and item: if the
 * engine dies after sending and before recording the response, the resumed
 * node sends the same request with the same key, and a server that honours
 * the header applies it once (see ADR 0004).
 */
export async function performHttp(requests: readonly HttpRequestSpec[], idempotencyKey: string, retry: { tries: number; waitMs: number }): Promise<EffectResult> {
  const items: N8nItem[] = [];
  for (let index = 0; index < requests.length; index++) {
    const request = requests[index];
    let outcome: { items: N8nItem[] } | { error: string; retriable: boolean } = { error: 'not sent', retriable: true };
    for (let t = 1; t <= retry.tries; t++) {
      outcome = await send(request, `${idempotencyKey}:${index}`, index);
      if (!('error' in outcome) || !outcome.retriable || t === retry.tries) break;
      await sleep(retry.waitMs);
    }
    if ('error' in outcome) return outcome;
    items.push(...outcome.items);
  }
  return { items };
}

async function send(request: HttpRequestSpec, key: string, index: number): Promise<{ items: N8nItem[] } | { error: string; retriable: boolean }> {
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers: { 'idempotency-key': key, ...request.headers },
      ...(request.body !== undefined && request.method !== 'GET' && request.method !== 'HEAD' ? { body: request.body } : {}),
      signal: AbortSignal.timeout(request.timeoutMs),
      redirect: 'follow',
    });
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError') return { error: `Request to ${request.url} timed out after ${request.timeoutMs} ms`, retriable: true };
    return { error: `Request to ${request.url} failed: ${(error as Error).message}`, retriable: true };
  }
  const text = await response.text();
  const contentType = response.headers.get('content-type') ?? '';
  let body: JsonValue = text;
  if (request.responseFormat === 'json' || (request.responseFormat === 'autodetect' && contentType.includes('json'))) {
    try {
      body = (text === '' ? {} : JSON.parse(text)) as JsonValue;
    } catch {
      if (request.responseFormat === 'json') return { error: `Response from ${request.url} is not JSON`, retriable: false };
    }
  }
  if (!response.ok && !request.neverError) {
    return { error: `Request failed with status code ${response.status}: ${text.slice(0, 500)}`, retriable: response.status >= 500 || response.status === 429 };
  }
  if (request.fullResponse) {
    const headers: JsonObject = {};
    response.headers.forEach((value, name) => {
      headers[name] = value;
    });
    return { items: [{ json: { body, headers, statusCode: response.status, statusMessage: response.statusText }, pairedItem: { item: index } }] };
  }
  if (Array.isArray(body)) return { items: body.map((v) => ({ json: isObject(v) ? v : { data: v }, pairedItem: { item: index } })) };
  if (isObject(body)) return { items: [{ json: body, pairedItem: { item: index } }] };
  return { items: [{ json: { data: body }, pairedItem: { item: index } }] };
}
