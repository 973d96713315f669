import { loadConfig } from '@hive/config';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import {
  AlwaysOffSampler, BatchSpanProcessor, NoopSpanProcessor, ParentBasedSampler, SimpleSpanProcessor, type SpanExporter, type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { FileSpanExporter } from './file-span.exporter';
import { PreservingTraceContextPropagator } from './preserving-trace-context.propagator';
import { TracingConfig } from './tracing.config';

export interface TracingHandle {
  readonly enabled: boolean;
  shutdown(): Promise<void>;
}

export interface StartTracingOptions {
  /** Extra exporter (tests: an InMemorySpanExporter), exported span by span. */
  readonly exporter?: SpanExporter;
}

let started: TracingHandle | undefined;

/**
 * Starts OpenTelemetry for a service. Must run before anything it instruments
 * is loaded (http, kafkajs, pg, @nestjs/core): each service's `src/tracing.ts`
 * calls it and is the first import of its main.ts.
 *
 * - Always on (unless HIVE_TRACING=off): spans and context propagation exist,
 *   so log lines carry trace ids and traceparent travels in Kafka headers;
 * - recorded and exported only when OTEL_EXPORTER_OTLP_ENDPOINT (or
 *   HIVE_TRACE_FILE) is set; otherwise every trace is sampled out at its root;
 *   metrics and logs are not exported through OpenTelemetry (Prometheus and
 *   stdout do that), so the SDK never reaches for a collector by default.
 */
export function startTracing(service: string, options: StartTracingOptions = {}): TracingHandle {
  if (started) return started;
  const config = loadConfig(TracingConfig);
  if (config.HIVE_TRACING === 'off') {
    started = { enabled: false, shutdown: async () => undefined };
    return started;
  }
  const serviceName = config.OTEL_SERVICE_NAME ?? service;
  const processors: SpanProcessor[] = [];
  if (config.OTEL_EXPORTER_OTLP_ENDPOINT) {
    processors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url: `${config.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/$/, '')}/v1/traces` })));
  }
  if (config.HIVE_TRACE_FILE) processors.push(new SimpleSpanProcessor(new FileSpanExporter(config.HIVE_TRACE_FILE, serviceName)));
  if (options.exporter) processors.push(new SimpleSpanProcessor(options.exporter));
  // Without an exporter nothing is recorded: spans are non-recording (sampled out), which costs next to
  // nothing per query and message, yet they still carry trace ids for log lines and traceparent headers.
  const exporting = processors.length > 0;
  if (!exporting) processors.push(new NoopSpanProcessor());

  const sdk = new NodeSDK({
    serviceName,
    spanProcessors: processors,
    metricReaders: [],
    logRecordProcessors: [],
    textMapPropagator: new PreservingTraceContextPropagator(),
    ...(exporting ? {} : { sampler: new ParentBasedSampler({ root: new AlwaysOffSampler() }) }),
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => request.url === '/metrics' || request.url === '/health' }),
      new KafkaJsInstrumentation(),
      // Queries are traced inside a request or message only; background loops would otherwise start a trace per query.
      new PgInstrumentation({ enhancedDatabaseReporting: false, requireParentSpan: true, ignoreConnectSpans: true }),
      new NestInstrumentation(),
    ],
  });
  sdk.start();
  started = { enabled: true, shutdown: () => sdk.shutdown() };
  return started;
}
