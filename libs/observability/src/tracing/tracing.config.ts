import { IsIn, IsOptional, IsString, Matches } from 'class-validator';

/** How a service traces (read before anything else starts; see start-tracing.ts). */
export class TracingConfig {
  /** `off` disables the SDK (no spans, no trace ids in logs). */
  @IsIn(['on', 'off'])
  HIVE_TRACING: 'on' | 'off' = 'on';

  /** OTLP/HTTP collector base URL (e.g. http://otel-collector:4318); spans are only exported when set. */
  @IsOptional() @Matches(/^https?:\/\/\S+$/, { message: 'OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL' })
  OTEL_EXPORTER_OTLP_ENDPOINT?: string = undefined;

  /** Overrides the service name on every span. */
  @IsOptional() @IsString()
  OTEL_SERVICE_NAME?: string = undefined;

  /** Tests only: append every finished span to this file as JSON lines. */
  @IsOptional() @IsString()
  HIVE_TRACE_FILE?: string = undefined;
}
