import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import { trace } from '@opentelemetry/api';

/** The active trace and span ids, when there is an active span. */
export function activeTraceIds(): { traceId: string; spanId: string } | undefined {
  const context = trace.getActiveSpan()?.spanContext();
  if (!context || context.traceId === '00000000000000000000000000000000') return undefined;
  return { traceId: context.traceId, spanId: context.spanId };
}

/**
 * Nest's console logger with the active trace id on every line: `trace_id`
 * and `span_id` fields in JSON mode (production), ` trace=<id>` after the
 * message in text mode. Lines logged outside any span carry none.
 */
export class HiveLogger extends ConsoleLogger {
  protected override getJsonLogObject(message: unknown, options: { context: string; logLevel: LogLevel; writeStreamType?: 'stdout' | 'stderr'; errorStack?: unknown }) {
    const ids = activeTraceIds();
    const base = super.getJsonLogObject(message, options);
    return ids ? { ...base, trace_id: ids.traceId, span_id: ids.spanId } : base;
  }

  protected override formatMessage(logLevel: LogLevel, message: unknown, pidMessage: string, formattedLogLevel: string, contextMessage: string, timestampDiff: string): string {
    const line = super.formatMessage(logLevel, message, pidMessage, formattedLogLevel, contextMessage, timestampDiff);
    const ids = activeTraceIds();
    return ids ? line.replace(/\n$/, ` trace=${ids.traceId}\n`) : line;
  }
}
