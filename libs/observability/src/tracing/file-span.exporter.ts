import { appendFileSync } from 'node:fs';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

/** One finished span as a line of JSON (what tests read back). */
export interface SpanRecord {
  readonly service: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly name: string;
  readonly kind: number;
  readonly attributes: Record<string, unknown>;
}

/**
 * Appends finished spans to a file as JSON lines. For tests that follow one
 * trace through several service processes (each process's in-memory spans,
 * written where the test can read them); not for production (use OTLP).
 */
export class FileSpanExporter implements SpanExporter {
  constructor(private readonly path: string, private readonly service: string) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    try {
      const lines = spans.map((span) => JSON.stringify({
        service: this.service, traceId: span.spanContext().traceId, spanId: span.spanContext().spanId,
        parentSpanId: span.parentSpanContext?.spanId, name: span.name, kind: span.kind, attributes: span.attributes,
      } satisfies SpanRecord));
      if (lines.length > 0) appendFileSync(this.path, `${lines.join('\n')}\n`);
      done({ code: ExportResultCode.SUCCESS });
    } catch (error) {
      done({ code: ExportResultCode.FAILED, error: error as Error });
    }
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
