import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { InfraConfig } from '@hive/config';

export class PerformanceMonitorConfig extends InfraConfig {
  /** Port of the health and /metrics endpoints. */
  @IsInt() @Min(0) @Max(65535)
  PERFORMANCE_MONITOR_PORT: number = 3104;

  /** InfluxDB 2 (or VictoriaMetrics) base URL; the client writes to `<url>/api/v2/write`. */
  @Matches(/^https?:\/\/\S+$/, { message: 'INFLUX_URL must be an http(s) URL' })
  INFLUX_URL: string = 'http://127.0.0.1:8428';

  @IsString() INFLUX_TOKEN: string = 'hive-dev-token';

  @IsString() INFLUX_ORG: string = 'hive';

  @IsString() INFLUX_BUCKET: string = 'hive';

  /** Most points per write request. */
  @IsInt() @Min(1) @Max(100_000)
  METRICS_BATCH_SIZE: number = 5_000;

  /** Longest a point waits before it is written. */
  @IsInt() @Min(10) @Max(60_000)
  METRICS_FLUSH_INTERVAL_MS: number = 1_000;

  /**
   * Most points held in memory while the metrics store is slow or away; beyond
   * it the oldest are dropped (logged, counted in hive_metrics_points_dropped_total).
   * 500,000 lines are roughly 100-150 MB and cover a 10-minute outage at 800 points/s.
   */
  @IsInt() @Min(1_000) @Max(10_000_000)
  METRICS_BUFFER_MAX_POINTS: number = 500_000;

  /** How often snapshots are published, alert rules evaluated and cluster points written. */
  @IsInt() @Min(100) @Max(300_000)
  MONITOR_INTERVAL_MS: number = 5_000;

  /** The alert rules YAML; defaults to alert-rules.yaml beside the service's package.json. */
  @IsOptional() @IsString()
  ALERT_RULES_FILE?: string = undefined;

  /** How often the rules file is checked for changes. */
  @IsInt() @Min(50) @Max(60_000)
  ALERT_RULES_POLL_MS: number = 1_000;

  /** A service instance with no sample for this long counts as down. */
  @IsInt() @Min(1_000)
  SERVICE_STALE_MS: number = 35_000;
}
