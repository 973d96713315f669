import { context, propagation, trace, type Span } from '@opentelemetry/api';

const TRACE_HEADERS = ['traceparent', 'tracestate'] as const;

/**
 * The trace context headers of a consumed message, to store with the events
 * it causes (EventMeta.headers / AppendOptions.headers): the outbox relay
 * then publishes those events in the same trace.
 */
export function traceHeadersOf(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of TRACE_HEADERS) if (headers[name]) out[name] = headers[name];
  return out;
}

/** The active context as trace headers (e.g. for an append made while handling an HTTP request). */
export function activeTraceHeaders(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

/**
 * Runs `fn` in a span that continues the trace of a consumed message's
 * headers (a child of the producer's span), so the work a message causes
 * (appends, provider calls, more messages) joins the message's trace.
 */
export async function withMessageTrace<T>(headers: Readonly<Record<string, string>>, name: string, fn: (span: Span) => Promise<T>): Promise<T> {
  const parent = propagation.extract(context.active(), headers);
  return trace.getTracer('hive').startActiveSpan(name, {}, parent, (span) => endingSpan(span, fn));
}

/** Runs `fn` in the span, records a failure on it, and ends it either way. */
async function endingSpan<T>(span: Span, fn: (span: Span) => Promise<T>): Promise<T> {
  try {
    return await fn(span);
  } catch (error) {
    span.recordException(error as Error);
    throw error;
  } finally {
    span.end();
  }
}

/** Runs `fn` in a child span of the active one (e.g. a provider call inside a task run), recording a failure on it. */
export async function withSpan<T>(name: string, attributes: Readonly<Record<string, string | number | boolean>>, fn: (span: Span) => Promise<T>): Promise<T> {
  return trace.getTracer('hive').startActiveSpan(name, { attributes }, (span) => endingSpan(span, fn));
}
