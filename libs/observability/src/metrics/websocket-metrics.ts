import { Gauge } from 'prom-client';
import type { HiveMetricsRegistry } from './hive-metrics.registry';

/**
 * The Hive document's hive_websocket_connections_active, for the service that
 * serves WebSocket clients (the gateway): read from `count` at each scrape
 * when given, else kept with inc() on connect and dec() on close.
 */
export function createWebsocketConnectionsGauge(metrics: HiveMetricsRegistry, count?: () => number): Gauge {
  return new Gauge({
    name: 'hive_websocket_connections_active', help: 'Open WebSocket connections of this instance.', registers: [metrics.registry],
    ...(count ? { collect(this: Gauge) { this.set(count()); } } : {}),
  });
}
