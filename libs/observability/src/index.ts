export * from './metrics/hive-metrics.registry';
export * from './metrics/metrics.controller';
export * from './metrics/http-metrics.interceptor';
export * from './telemetry/process-sampler';
export * from './telemetry/service-telemetry.publisher';
export * from './observability.providers';
export * from './logging/hive-logger';
export * from './tracing/trace-headers';
