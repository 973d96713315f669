import { Point } from '@influxdata/influxdb-client';
import type { MetricPoint } from './metric-point';

/**
 * Serialises a point with the client's own escaping. Non-finite fields and
 * empty tag values are left out (line protocol has no NaN, and an empty tag
 * value is invalid); a point left without fields yields undefined.
 */
export function toLineProtocol(point: MetricPoint): string | undefined {
  const p = new Point(point.measurement);
  for (const [key, value] of Object.entries(point.tags)) {
    if (value !== '') p.tag(key, value);
  }
  let fields = 0;
  for (const [key, value] of Object.entries(point.fields)) {
    if (!Number.isFinite(value)) continue;
    p.floatField(key, value);
    fields++;
  }
  if (fields === 0) return undefined;
  p.timestamp(point.timestampNs);
  return p.toLineProtocol();
}

/**
 * A nanosecond timestamp for an event: its millisecond time plus a
 * sub-millisecond offset derived from its id. Two events of the same series in
 * the same millisecond would otherwise overwrite each other in InfluxDB; a
 * replayed event gets the same timestamp, so writing it again is harmless.
 */
export function eventTimestampNs(occurredAt: string | Date, eventId: string): string {
  const ms = BigInt(typeof occurredAt === 'string' ? Date.parse(occurredAt) : occurredAt.getTime());
  let hash = 0;
  for (let i = 0; i < eventId.length; i++) hash = (Math.imul(hash, 31) + eventId.charCodeAt(i)) >>> 0;
  return (ms * 1_000_000n + BigInt(hash % 1_000_000)).toString();
}

/** A nanosecond timestamp for a periodic sample taken at `at`. */
export function sampleTimestampNs(at: Date): string {
  return (BigInt(at.getTime()) * 1_000_000n).toString();
}
