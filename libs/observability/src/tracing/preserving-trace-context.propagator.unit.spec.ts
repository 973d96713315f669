import { defaultTextMapSetter, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { PreservingTraceContextPropagator } from './preserving-trace-context.propagator';

const active = trace.setSpanContext(ROOT_CONTEXT, { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: TraceFlags.SAMPLED });
const stored = `00-${'c'.repeat(32)}-${'d'.repeat(16)}-01`;

describe('PreservingTraceContextPropagator', () => {
  const propagator = new PreservingTraceContextPropagator();

  it('keeps the traceparent an outbox row carries (the relay must not cut the trace)', () => {
    const headers: Record<string, unknown> = { traceparent: stored, 'hive-type': 'task.created' };
    propagator.inject(active, headers, defaultTextMapSetter);
    expect(headers['traceparent']).toBe(stored);
    const buffers: Record<string, unknown> = { traceparent: Buffer.from(stored) };
    propagator.inject(active, buffers, defaultTextMapSetter);
    expect(String(buffers['traceparent'])).toBe(stored);
  });

  it('injects the active context where there is none (a gateway command, an HTTP call)', () => {
    const headers: Record<string, unknown> = {};
    propagator.inject(active, headers, defaultTextMapSetter);
    expect(headers['traceparent']).toBe(`00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`);
  });

  it('replaces a malformed traceparent', () => {
    const headers: Record<string, unknown> = { traceparent: 'garbage' };
    propagator.inject(active, headers, defaultTextMapSetter);
    expect(headers['traceparent']).toBe(`00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`);
  });
});
