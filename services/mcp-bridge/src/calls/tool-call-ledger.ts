import { createHash } from 'node:crypto';
import type { PoolClient } from 'pg';
import type { CallMcpToolData, Envelope } from '@hive/contracts';
import { schemaIdent, type PostgresEventStore, type StreamAppend } from '@hive/event-store';
import type { ToolCallEvent } from './tool-caller';

/** One ledger stream per tenant and idempotency key: every call made under the key, with its outcome. */
export const ledgerStreamId = (tenant: string, idempotencyKey: string): string =>
  `mcpcall-${tenant}-${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 40)}`;

/**
 * The outcome a later call under the same key gets instead of running the tool:
 * a result (even a tool-level error), or a failure that must not be retried
 * (the tool may have run, or the call can never succeed). Failures worth
 * retrying (server unreachable, timeout of an idempotent tool) are not final.
 */
export const isFinal = (event: ToolCallEvent): boolean => event.type === 'mcp.tool_call_completed' || !event.data.retriable;

interface LedgerStream {
  version: number;
  readonly events: ToolCallEvent[];
}

export type RunCall = (tenant: string, call: CallMcpToolData) => Promise<ToolCallEvent>;

/**
 * The idempotency ledger of tool calls. For a batch of CallMcpTool commands it
 * serialises on their keys (advisory locks, so two instances never run the
 * same key at once), reads what each key already holds, runs only the calls
 * without a final outcome (all keys concurrently), and appends one event per
 * call in the consumer's transaction: a repeated call gets the stored outcome
 * under its own callId, a redelivered one (same callId) gets nothing new.
 */
export class ToolCallLedger {
  private readonly events: string;

  constructor(private readonly store: PostgresEventStore, schema: string, private readonly run: RunCall) {
    this.events = `${schemaIdent(schema)}.events`;
  }

  async handle(commands: ReadonlyArray<Envelope<string, CallMcpToolData>>, tx: PoolClient): Promise<void> {
    if (commands.length === 0) return;
    const groups = new Map<string, Array<Envelope<string, CallMcpToolData>>>();
    for (const command of commands) {
      const streamId = ledgerStreamId(command.tenant, command.data.idempotencyKey);
      groups.set(streamId, [...(groups.get(streamId) ?? []), command]);
    }
    const streamIds = [...groups.keys()].sort();
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended(k, 7001)) FROM (SELECT unnest($1::text[]) AS k ORDER BY 1) s`, [streamIds]);
    const { rows } = await tx.query<{ stream_id: string; stream_version: number; type: string; data: unknown }>(
      `SELECT stream_id, stream_version, type, data FROM ${this.events} WHERE stream_id = ANY($1::text[]) ORDER BY stream_id, stream_version`, [streamIds],
    );
    const ledger = new Map<string, LedgerStream>();
    for (const row of rows) {
      const stream = ledger.get(row.stream_id) ?? { version: 0, events: [] };
      stream.version = row.stream_version;
      stream.events.push({ type: row.type, data: row.data } as ToolCallEvent);
      ledger.set(row.stream_id, stream);
    }
    const appends = await Promise.all(streamIds.map((streamId) => this.settle(streamId, groups.get(streamId) ?? [], ledger.get(streamId) ?? { version: 0, events: [] })));
    await this.store.appendMany(tx, appends.filter((a): a is StreamAppend => a !== undefined));
  }

  /** The calls of one key, in order: each is answered from the ledger or run. */
  private async settle(streamId: string, calls: ReadonlyArray<Envelope<string, CallMcpToolData>>, stream: LedgerStream): Promise<StreamAppend | undefined> {
    const fresh: Array<ToolCallEvent & { meta: { tenant: string; correlationId: string; causationId: string } }> = [];
    const known = [...stream.events];
    for (const command of calls) {
      const { callId } = command.data;
      if (known.some((e) => e.data.callId === callId)) continue; // redelivered: already answered
      const final = known.find(isFinal);
      const event: ToolCallEvent = final
        ? ({ type: final.type, data: { ...final.data, callId } } as ToolCallEvent)
        : await this.run(command.tenant, command.data);
      known.push(event);
      fresh.push({ ...event, meta: { tenant: command.tenant, correlationId: command.correlationId, causationId: command.id } });
    }
    if (fresh.length === 0) return undefined;
    return { streamId, expectedVersion: stream.version, key: fresh[0].data.callId, events: fresh };
  }
}
