/**
 * One point for the metrics store. Fields are numbers only: VictoriaMetrics
 * (the local stand-in for InfluxDB 2) keeps numeric fields and drops the rest,
 * so booleans are written as 0/1 and text belongs in tags.
 */
export interface MetricPoint {
  readonly measurement: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly fields: Readonly<Record<string, number>>;
  /** Nanoseconds since the epoch, as a decimal string (InfluxDB's default precision). */
  readonly timestampNs: string;
}
