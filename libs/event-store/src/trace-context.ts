import { AsyncLocalStorage } from 'node:async_hooks';
import { context, propagation } from '@opentelemetry/api';

type HeadersByMessage = ReadonlyMap<string, Readonly<Record<string, string>>>;

const handling = new AsyncLocalStorage<HeadersByMessage>();

/**
 * Runs `fn` while the consumer handles messages whose trace headers are
 * given by envelope id. Whatever `fn` appends with one of them as causation
 * then carries that message's trace (see {@link traceHeadersFor}).
 */
export function withCausationTrace<T>(byMessageId: HeadersByMessage, fn: () => Promise<T>): Promise<T> {
  return byMessageId.size === 0 ? fn() : handling.run(byMessageId, fn);
}

/**
 * The trace headers (traceparent, tracestate) to store with an outbox row, so
 * the relay publishes it in the trace of what caused it: the headers of the
 * causing message when it is being handled (a batch consumer handles many
 * messages of many traces at once, so the active context cannot tell), else
 * the active context (an append made while serving an HTTP request). Empty
 * when tracing is off.
 */
export function traceHeadersFor(causationId: string | null | undefined): Record<string, string> {
  const found = causationId ? handling.getStore()?.get(causationId) : undefined;
  if (found) return { ...found };
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}
