import { context, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { HiveLogger } from './hive-logger';

describe('HiveLogger', () => {
  const manager = new AsyncLocalStorageContextManager();
  beforeAll(() => context.setGlobalContextManager(manager.enable()));
  afterAll(() => context.disable());

  const capture = (json: boolean, fn: (logger: HiveLogger) => void): string => {
    const chunks: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      chunks.push(String(chunk));
      return true;
    });
    try {
      fn(new HiveLogger('test', { json, colors: false }));
    } finally {
      write.mockRestore();
    }
    return chunks.join('');
  };
  const inSpan = trace.setSpanContext(ROOT_CONTEXT, { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED });

  it('adds trace_id and span_id to JSON lines inside a span', () => {
    const out = capture(true, (logger) => context.with(inSpan, () => logger.log('handled', 'Consumer')));
    expect(JSON.parse(out)).toMatchObject({ level: 'log', message: 'handled', context: 'Consumer', trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: '00f067aa0ba902b7' });
  });

  it('appends the trace id to text lines inside a span, and nothing outside one', () => {
    expect(capture(false, (logger) => context.with(inSpan, () => logger.log('handled')))).toMatch(/handled trace=4bf92f3577b34da6a3ce929d0e0e4736\n$/);
    const outside = capture(true, (logger) => logger.log('idle'));
    expect(JSON.parse(outside)).not.toHaveProperty('trace_id');
  });
});
