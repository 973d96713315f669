import { randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { HiveHeaders, type Envelope, type MessageCatalogue } from '@hive/contracts';
import { ConcurrencyError, type ExpectedVersion } from './concurrency.error';
import { DomainError } from './domain.error';
import { outboxChannel, schemaIdent } from './event-store.schema';
import { traceHeadersFor } from './trace-context';

/** Something that runs SQL: the pool (one statement, autocommit) or a client inside a transaction. */
export type Queryable = Pool | PoolClient;

/** An event a decider produced; the store completes it into an envelope. */
export interface NewEvent<TType extends string = string, TData = unknown> {
  readonly type: TType;
  readonly data: TData;
  /** Schema version of data; defaults to 1. */
  readonly version?: number;
  readonly id?: string;
  readonly occurredAt?: string;
}

/** A message to publish with the append that is not an event of the stream (e.g. a command result). */
export interface OutboxMessage {
  /** Logical topic name; the store adds the deployment's topic prefix. */
  readonly topic: string;
  readonly key: string;
  readonly envelope: Envelope;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface AppendOptions {
  readonly expectedVersion: ExpectedVersion;
  readonly tenant: string;
  readonly correlationId: string;
  readonly causationId: string | null;
  /** Kafka key for the stream's events; defaults to the stream id. */
  readonly key?: string;
  /** Kafka headers for every published message (e.g. traceparent). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly extraMessages?: readonly OutboxMessage[];
}

/** The metadata of one event in a multi-stream append: each command's events carry their own. */
export interface EventMeta {
  readonly tenant: string;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly headers?: Readonly<Record<string, string>>;
}

/** One stream's share of {@link PostgresEventStore.appendMany}. */
export interface StreamAppend {
  readonly streamId: string;
  /** The version the events were decided at; 0 creates the stream. */
  readonly expectedVersion: number;
  /** Kafka key for the stream's events; defaults to the stream id. */
  readonly key?: string;
  readonly events: ReadonlyArray<NewEvent & { readonly meta: EventMeta }>;
}

export interface AppendResult {
  /** The stream's version after the append. */
  readonly nextVersion: number;
  readonly envelopes: readonly Envelope[];
}

export interface RecordedEvent {
  readonly globalPosition: string;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly envelope: Envelope;
}

export interface StreamRead {
  readonly version: number;
  readonly events: readonly RecordedEvent[];
}

export interface EventStoreOptions {
  readonly schema: string;
  /** Service name written into every envelope's `source`. */
  readonly source: string;
  /** Resolves each event's topic and validates its data on append. */
  readonly catalogue: MessageCatalogue;
  readonly topicPrefix?: string;
  /** Validate event data against its definition on append (a programming error otherwise reaches consumers). Default true. */
  readonly validateOnAppend?: boolean;
  /**
   * Largest message (the envelope as JSON) an append may queue. Kafka refuses a record batch over the
   * broker's message.max.bytes (1 MiB by default), and a refused row would stop the relay: larger
   * messages are refused here, at write time, with MessageTooLargeError. Default 900 KiB.
   */
  readonly maxMessageBytes?: number;
}

/** An event or message too large for Kafka: refused before anything is written (a DomainError, code invalid). */
export class MessageTooLargeError extends DomainError {
  constructor(readonly type: string, readonly bytes: number, readonly limit: number) {
    super('invalid', `${type} would be a ${Math.ceil(bytes / 1024)} KiB message; messages may be at most ${Math.floor(limit / 1024)} KiB`);
    this.name = 'MessageTooLargeError';
  }
}

export const DEFAULT_MAX_MESSAGE_BYTES = 900 * 1024;

interface EventRow {
  global_position: string;
  stream_id: string;
  stream_version: number;
  id: string;
  type: string;
  version: number;
  tenant: string;
  data: unknown;
  metadata: { source: string; correlationId: string; causationId: string | null };
  occurred_at: Date;
}

/**
 * Append-only event store on PostgreSQL. An append is one SQL statement:
 * the stream row moves from the expected version (or the append writes
 * nothing and raises ConcurrencyError), the events and their outbox rows are
 * inserted, and the relay is notified on commit.
 */
export class PostgresEventStore {
  private readonly s: string;
  private readonly appendSql: Record<'create' | 'at' | 'any', string>;
  private readonly appendManySql: string;
  private readonly topicPrefix: string;
  private readonly validate: boolean;

  constructor(private readonly options: EventStoreOptions) {
    this.s = schemaIdent(options.schema);
    this.topicPrefix = options.topicPrefix ?? '';
    this.validate = options.validateOnAppend ?? true;
    const s = this.s;
    // Moving the stream row is the concurrency guard; each expectation has its own statement.
    const guards = {
      create: `INSERT INTO ${s}.streams (stream_id, version) VALUES ($1, $3::int) ON CONFLICT (stream_id) DO NOTHING RETURNING version`,
      at: `UPDATE ${s}.streams SET version = version + $3::int, updated_at = now() WHERE stream_id = $1 AND version = $2::int RETURNING version`,
      any: `INSERT INTO ${s}.streams AS st (stream_id, version) VALUES ($1, $3::int)
            ON CONFLICT (stream_id) DO UPDATE SET version = st.version + $3::int, updated_at = now() RETURNING version`,
    };
    // $1 stream id, $2 expected version, $3 event count, $4 events json, $5 outbox json, $6 channel.
    const statement = (guard: string) => `
      WITH stream AS (${guard}
      ), appended AS (
        INSERT INTO ${s}.events (stream_id, stream_version, id, type, version, tenant, data, metadata, occurred_at)
        SELECT $1, stream.version - $3::int + e.ordinal, e.id, e.type, e.version, e.tenant, e.data, e.metadata, e.occurred_at
        FROM stream, jsonb_to_recordset($4::jsonb) AS e(ordinal int, id uuid, type text, version int, tenant text, data jsonb, metadata jsonb, occurred_at timestamptz)
        RETURNING global_position
      ), queued AS (
        INSERT INTO ${s}.outbox (topic, key, value, headers)
        SELECT o.topic, o.key, o.value, o.headers
        FROM stream, jsonb_to_recordset($5::jsonb) AS o(n int, topic text, key text, value text, headers jsonb)
        ORDER BY o.n
        RETURNING id
      )
      SELECT stream.version, $2::int AS expected, pg_notify($6, '') AS notified
      FROM stream`;
    this.appendSql = { create: statement(guards.create), at: statement(guards.at), any: statement(guards.any) };
    // $1 streams [{stream_id, expected, count}], $2 events, $3 outbox, $4 channels to notify.
    // Every stream must move from its expected version or the outbox rows are not queued and the
    // caller gets a ConcurrencyError (and must roll back: events of the streams that did move were written).
    this.appendManySql = `
      WITH input AS (
        SELECT * FROM jsonb_to_recordset($1::jsonb) AS i(stream_id text, expected int, count int)
      ), created AS (
        INSERT INTO ${s}.streams (stream_id, version) SELECT stream_id, count FROM input WHERE expected = 0
        ON CONFLICT (stream_id) DO NOTHING RETURNING stream_id, version
      ), updated AS (
        UPDATE ${s}.streams st SET version = st.version + i.count, updated_at = now() FROM input i
        WHERE i.expected > 0 AND st.stream_id = i.stream_id AND st.version = i.expected RETURNING st.stream_id, st.version
      ), moved AS (
        SELECT stream_id FROM created UNION ALL SELECT stream_id FROM updated
      ), appended AS (
        INSERT INTO ${s}.events (stream_id, stream_version, id, type, version, tenant, data, metadata, occurred_at)
        SELECT e.stream_id, i.expected + e.ordinal, e.id, e.type, e.version, e.tenant, e.data, e.metadata, e.occurred_at
        FROM jsonb_to_recordset($2::jsonb) AS e(stream_id text, ordinal int, id uuid, type text, version int, tenant text, data jsonb, metadata jsonb, occurred_at timestamptz)
        JOIN input i USING (stream_id) JOIN moved m USING (stream_id)
        RETURNING 1
      ), queued AS (
        INSERT INTO ${s}.outbox (topic, key, value, headers)
        SELECT o.topic, o.key, o.value, o.headers FROM jsonb_to_recordset($3::jsonb) AS o(n int, topic text, key text, value text, headers jsonb)
        WHERE (SELECT count(*) FROM moved) = (SELECT count(*) FROM input)
        ORDER BY o.n
        RETURNING 1
      )
      SELECT (SELECT count(*) FROM moved)::int AS moved, (SELECT count(*) FROM input)::int AS wanted, (SELECT array_agg(stream_id) FROM moved) AS moved_ids,
             (SELECT count(*) FROM (SELECT pg_notify(c, '') FROM unnest($4::text[]) AS c) AS n)::int AS notified`;
  }

  get schema(): string {
    return this.options.schema;
  }

  /** The envelope as the outbox stores and Kafka carries it; refuses one too large to publish. */
  private serialise(envelope: Envelope): string {
    const value = JSON.stringify(envelope);
    const limit = this.options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    // UTF-8 takes at most three bytes per UTF-16 unit: only a long text needs counting.
    if (value.length * 3 > limit) {
      const bytes = Buffer.byteLength(value);
      if (bytes > limit) throw new MessageTooLargeError(envelope.type, bytes, limit);
    }
    return value;
  }

  async appendToStream(db: Queryable, streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    if (events.length === 0 && (options.extraMessages?.length ?? 0) === 0) throw new Error('nothing to append');
    const now = new Date().toISOString();
    const metadata = { source: this.options.source, correlationId: options.correlationId, causationId: options.causationId };
    const key = options.key ?? streamId;
    // The trace of the causing message or request travels with the rows (ADR 0005).
    const headers = { ...traceHeadersFor(options.causationId), ...options.headers };
    const envelopes: Envelope[] = [];
    const rows: unknown[] = [];
    const outbox: unknown[] = [];
    events.forEach((event, index) => {
      const version = event.version ?? 1;
      const definition = this.validate
        ? this.options.catalogue.checkData(event.type, version, event.data)
        : this.options.catalogue.find(event.type, version);
      if (!definition) throw new Error(`event ${event.type} v${version} is not in the catalogue`);
      const envelope: Envelope = {
        id: event.id ?? randomUUID(),
        type: event.type,
        version,
        source: this.options.source,
        tenant: options.tenant,
        occurredAt: event.occurredAt ?? now,
        correlationId: options.correlationId,
        causationId: options.causationId,
        data: event.data,
      };
      envelopes.push(envelope);
      rows.push({ ordinal: index + 1, id: envelope.id, type: envelope.type, version, tenant: envelope.tenant, data: envelope.data, metadata, occurred_at: envelope.occurredAt });
      outbox.push({ n: outbox.length, topic: this.topicPrefix + definition.topic, key, value: this.serialise(envelope), headers: { ...headers, ...typeHeaders(envelope) } });
    });
    for (const message of options.extraMessages ?? []) {
      outbox.push({ n: outbox.length, topic: this.topicPrefix + message.topic, key: message.key, value: this.serialise(message.envelope), headers: { ...headers, ...message.headers, ...typeHeaders(message.envelope) } });
    }
    const expected = options.expectedVersion === 'any' ? null : options.expectedVersion;
    const sql = expected === null ? this.appendSql.any : expected === 0 ? this.appendSql.create : this.appendSql.at;
    const result = await db.query<{ version: number }>(sql, [
      streamId, expected, events.length, JSON.stringify(rows), JSON.stringify(outbox), outboxChannel(this.options.schema),
    ]);
    if (result.rowCount === 0) {
      throw new ConcurrencyError(streamId, options.expectedVersion, await this.currentVersion(db, streamId));
    }
    return { nextVersion: result.rows[0].version, envelopes };
  }

  /**
   * Appends to many streams in one statement, each at the version its events were decided at, with
   * extra messages (e.g. command results) queued after them, and NOTIFY on the relay's channel and
   * any others given. For batch handlers: the round trips no longer grow with the batch. On a
   * conflict it throws ConcurrencyError naming the first stream that did not move; the caller must
   * roll back the transaction (or savepoint).
   */
  async appendMany(db: Queryable, appends: readonly StreamAppend[], extraMessages: readonly OutboxMessage[] = [], notify: readonly string[] = []): Promise<Map<string, AppendResult>> {
    const results = new Map<string, AppendResult>();
    if (appends.length === 0 && extraMessages.length === 0) return results;
    const now = new Date().toISOString();
    const streams: unknown[] = [];
    const rows: unknown[] = [];
    const outbox: unknown[] = [];
    for (const append of appends) {
      if (append.events.length === 0) continue;
      if (results.has(append.streamId)) throw new Error(`stream ${append.streamId} appears twice in one appendMany`);
      const key = append.key ?? append.streamId;
      const envelopes: Envelope[] = [];
      append.events.forEach((event, index) => {
        const version = event.version ?? 1;
        const definition = this.validate ? this.options.catalogue.checkData(event.type, version, event.data) : this.options.catalogue.find(event.type, version);
        if (!definition) throw new Error(`event ${event.type} v${version} is not in the catalogue`);
        const { tenant, correlationId, causationId } = event.meta;
        const envelope: Envelope = {
          id: event.id ?? randomUUID(), type: event.type, version, source: this.options.source, tenant,
          occurredAt: event.occurredAt ?? now, correlationId, causationId, data: event.data,
        };
        envelopes.push(envelope);
        rows.push({
          stream_id: append.streamId, ordinal: index + 1, id: envelope.id, type: envelope.type, version, tenant, data: envelope.data,
          metadata: { source: this.options.source, correlationId, causationId }, occurred_at: envelope.occurredAt,
        });
        outbox.push({ n: outbox.length, topic: this.topicPrefix + definition.topic, key, value: this.serialise(envelope), headers: { ...traceHeadersFor(causationId), ...event.meta.headers, ...typeHeaders(envelope) } });
      });
      streams.push({ stream_id: append.streamId, expected: append.expectedVersion, count: append.events.length });
      results.set(append.streamId, { nextVersion: append.expectedVersion + append.events.length, envelopes });
    }
    for (const message of extraMessages) {
      outbox.push({ n: outbox.length, topic: this.topicPrefix + message.topic, key: message.key, value: this.serialise(message.envelope), headers: { ...traceHeadersFor(message.envelope.causationId), ...message.headers, ...typeHeaders(message.envelope) } });
    }
    const result = await db.query<{ moved: number; wanted: number; moved_ids: string[] | null }>(this.appendManySql, [
      JSON.stringify(streams), JSON.stringify(rows), JSON.stringify(outbox), [outboxChannel(this.options.schema), ...notify],
    ]);
    const { moved, wanted, moved_ids: movedIds } = result.rows[0];
    if (moved !== wanted) {
      const movedSet = new Set(movedIds ?? []);
      const stale = appends.find((append) => append.events.length > 0 && !movedSet.has(append.streamId));
      if (!stale) throw new Error('appendMany: a stream did not move but none is missing');
      throw new ConcurrencyError(stale.streamId, stale.expectedVersion, await this.currentVersion(db, stale.streamId));
    }
    return results;
  }

  /** Reads many streams in one query; a stream that does not exist reads as version 0, no events. */
  async readStreams(db: Queryable, streamIds: readonly string[]): Promise<Map<string, StreamRead>> {
    const reads = new Map<string, { version: number; events: RecordedEvent[] }>(streamIds.map((id) => [id, { version: 0, events: [] }]));
    if (streamIds.length === 0) return reads;
    const result = await db.query<EventRow>(
      `SELECT global_position, stream_id, stream_version, id, type, version, tenant, data, metadata, occurred_at
       FROM ${this.s}.events WHERE stream_id = ANY($1::text[]) ORDER BY stream_id, stream_version`,
      [streamIds],
    );
    for (const row of result.rows) {
      const read = reads.get(row.stream_id);
      if (!read) continue;
      read.events.push(toRecorded(row));
      read.version = row.stream_version;
    }
    return reads;
  }

  /** Queues messages for publication without appending events (e.g. the rejection of a command). */
  async enqueue(db: Queryable, messages: readonly OutboxMessage[], headers: Readonly<Record<string, string>> = {}): Promise<void> {
    if (messages.length === 0) return;
    const outbox = messages.map((message, n) => ({
      n, topic: this.topicPrefix + message.topic, key: message.key, value: this.serialise(message.envelope),
      headers: { ...traceHeadersFor(message.envelope.causationId), ...headers, ...message.headers, ...typeHeaders(message.envelope) },
    }));
    await db.query(
      `WITH queued AS (
         INSERT INTO ${this.s}.outbox (topic, key, value, headers)
         SELECT o.topic, o.key, o.value, o.headers FROM jsonb_to_recordset($1::jsonb) AS o(n int, topic text, key text, value text, headers jsonb) ORDER BY o.n
         RETURNING id)
       SELECT pg_notify($2, '') FROM (SELECT count(*) FROM queued) AS q`,
      [JSON.stringify(outbox), outboxChannel(this.options.schema)],
    );
  }

  async currentVersion(db: Queryable, streamId: string): Promise<number> {
    const result = await db.query<{ version: number }>(`SELECT version FROM ${this.s}.streams WHERE stream_id = $1`, [streamId]);
    return result.rows[0]?.version ?? 0;
  }

  async readStream(db: Queryable, streamId: string): Promise<StreamRead> {
    const result = await db.query<EventRow>(
      `SELECT global_position, stream_id, stream_version, id, type, version, tenant, data, metadata, occurred_at
       FROM ${this.s}.events WHERE stream_id = $1 ORDER BY stream_version`,
      [streamId],
    );
    const events = result.rows.map(toRecorded);
    return { version: events.at(-1)?.streamVersion ?? 0, events };
  }

  /**
   * Reads events after a position in commit-safe order: (transaction id,
   * global position), and only from transactions older than every running
   * one. An event whose transaction commits late therefore sorts after
   * everything already read and is never skipped.
   */
  async readAll(db: Queryable, after: GlobalCursor, limit: number): Promise<Array<RecordedEvent & { cursor: GlobalCursor }>> {
    const result = await db.query<EventRow & { transaction_id: string }>(
      `SELECT transaction_id::text, global_position, stream_id, stream_version, id, type, version, tenant, data, metadata, occurred_at
       FROM ${this.s}.events
       WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
         AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
       ORDER BY transaction_id, global_position LIMIT $3`,
      [after.transactionId, after.globalPosition, limit],
    );
    return result.rows.map((row) => ({ ...toRecorded(row), cursor: { transactionId: row.transaction_id, globalPosition: row.global_position } }));
  }
}

/** A position in the global, commit-safe order of {@link PostgresEventStore.readAll}. */
export interface GlobalCursor {
  readonly transactionId: string;
  readonly globalPosition: string;
}

export const startOfAll: GlobalCursor = { transactionId: '0', globalPosition: '0' };

/** Lets consumers route or filter on type without parsing the value. */
const typeHeaders = (envelope: Envelope): Record<string, string> => ({
  [HiveHeaders.messageType]: envelope.type,
  [HiveHeaders.messageVersion]: String(envelope.version),
  [HiveHeaders.contentType]: 'application/json',
});

function toRecorded(row: EventRow): RecordedEvent {
  return {
    globalPosition: row.global_position,
    streamId: row.stream_id,
    streamVersion: row.stream_version,
    envelope: {
      id: row.id,
      type: row.type,
      version: row.version,
      source: row.metadata.source,
      tenant: row.tenant,
      occurredAt: row.occurred_at.toISOString(),
      correlationId: row.metadata.correlationId,
      causationId: row.metadata.causationId,
      data: row.data,
    },
  };
}
