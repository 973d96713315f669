/**
 * The one envelope every message on Kafka travels in (events, commands and
 * command results alike). It is plain JSON so consumers outside Hive can read
 * it without our code; the AsyncAPI document describes it.
 */
export interface Envelope<TType extends string = string, TData = unknown> {
  /** Unique message id (uuid). Consumers deduplicate on it. */
  readonly id: string;
  /** Message type, e.g. `task.created` or `RegisterAgent`. */
  readonly type: TType;
  /** Schema version of `data`. */
  readonly version: number;
  /** Service that wrote the message, e.g. `agent-manager`. */
  readonly source: string;
  /** Tenant the message belongs to. Never crosses tenants. */
  readonly tenant: string;
  /** ISO 8601 timestamp of when the fact happened (or the command was issued). */
  readonly occurredAt: string;
  /** Id shared by every message caused by one original request. */
  readonly correlationId: string;
  /** Id of the message that directly caused this one, null for an origin. */
  readonly causationId: string | null;
  readonly data: TData;
}

/** Kafka header names Hive sets besides the W3C `traceparent`/`tracestate`. */
export const HiveHeaders = {
  traceparent: 'traceparent',
  tracestate: 'tracestate',
  messageType: 'hive-type',
  messageVersion: 'hive-version',
  contentType: 'content-type',
  /** On dead letters: why the message could not be handled. */
  dlqError: 'hive-dlq-error',
  dlqErrorKind: 'hive-dlq-error-kind',
  dlqOriginalTopic: 'hive-dlq-original-topic',
  dlqOriginalPartition: 'hive-dlq-original-partition',
  dlqOriginalOffset: 'hive-dlq-original-offset',
  dlqConsumer: 'hive-dlq-consumer',
  dlqAttempts: 'hive-dlq-attempts',
  dlqFailedAt: 'hive-dlq-failed-at',
} as const;
