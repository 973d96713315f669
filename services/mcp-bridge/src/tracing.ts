// First import of main.ts: OpenTelemetry must start before http, kafkajs, pg and Nest load.
import { startTracing } from '@hive/observability/tracing';

export const tracing = startTracing('mcp-bridge');
