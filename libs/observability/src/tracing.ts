/**
 * The tracing entry point, separate from the package index on purpose: it
 * must be importable before @nestjs/core, kafkajs and pg are loaded (the
 * index loads them), so that OpenTelemetry can instrument them. Use
 * `import '@hive/observability/tracing'`-style first imports only through a
 * service's own `src/tracing.ts`.
 */
export * from './tracing/start-tracing';
export * from './tracing/tracing.config';
export * from './tracing/file-span.exporter';
export * from './tracing/preserving-trace-context.propagator';
