import type { Context, TextMapGetter, TextMapPropagator, TextMapSetter } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

const TRACEPARENT = 'traceparent';

/**
 * W3C trace context, except that a carrier which already holds a traceparent
 * keeps it. Hive's outbox relay publishes rows whose traceparent was stored at
 * append time (the request or command that caused the event); the kafkajs
 * instrumentation would otherwise overwrite it with the relay's own span and
 * cut every trace at the outbox. Carriers without a traceparent (a gateway
 * command, an outgoing HTTP call) get the active context as usual.
 */
export class PreservingTraceContextPropagator implements TextMapPropagator {
  private readonly w3c = new W3CTraceContextPropagator();

  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    if (hasTraceparent(carrier)) return;
    this.w3c.inject(context, carrier, setter);
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    return this.w3c.extract(context, carrier, getter);
  }

  fields(): string[] {
    return this.w3c.fields();
  }
}

function hasTraceparent(carrier: unknown): boolean {
  if (typeof carrier !== 'object' || carrier === null) return false;
  const value = (carrier as Record<string, unknown>)[TRACEPARENT];
  if (value === undefined || value === null) return false;
  const text = Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
  return /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/.test(text);
}
