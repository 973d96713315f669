import type { PoolClient } from 'pg';
import { schemaIdent, type Queryable } from '@hive/event-store';
import type { JsonObject } from '../n8n/n8n-workflow.types';

/**
 * The engine's own tables beside its event store, each written in the
 * transaction that appends the events it follows from:
 * - workflow_versions / workflows: the immutable n8n JSON of each version and the active one;
 * - active_executions: executions not yet terminal (what the runner resumes after a restart);
 * - execution_inbox: outcomes for running executions (timers fired, task and tool results, cancels),
 *   consumed by the runner in the transaction that appends what they caused;
 * - pending_calls: tasks and tool calls a node waits for.
 */
export class EngineTables {
  readonly s: string;
  readonly channel: string;

  constructor(readonly schema: string) {
    this.s = schemaIdent(schema);
    this.channel = `hive_wfe_${schema}`;
  }

  async migrate(db: Queryable): Promise<void> {
    const s = this.s;
    await db.query(`
      CREATE SCHEMA IF NOT EXISTS ${s};
      CREATE TABLE IF NOT EXISTS ${s}.workflow_versions (
        workflow_id text NOT NULL, version int NOT NULL, tenant text NOT NULL, name text NOT NULL, n8n jsonb NOT NULL,
        PRIMARY KEY (workflow_id, version));
      CREATE TABLE IF NOT EXISTS ${s}.workflows (
        workflow_id text PRIMARY KEY, tenant text NOT NULL, latest_version int NOT NULL, active_version int);
      CREATE TABLE IF NOT EXISTS ${s}.active_executions (
        execution_id text PRIMARY KEY, seq bigserial, tenant text NOT NULL, workflow_id text NOT NULL, version int NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now());
      CREATE TABLE IF NOT EXISTS ${s}.execution_inbox (
        id bigserial PRIMARY KEY, execution_id text NOT NULL, kind text NOT NULL, payload jsonb NOT NULL);
      CREATE TABLE IF NOT EXISTS ${s}.pending_calls (
        call_id text PRIMARY KEY, execution_id text NOT NULL, node text NOT NULL, run_index int NOT NULL, item_index int NOT NULL,
        item_count int NOT NULL, output text NOT NULL, result jsonb);
      CREATE INDEX IF NOT EXISTS pending_calls_node ON ${s}.pending_calls (execution_id, node, run_index);`);
  }

  async saveVersion(tx: PoolClient, tenant: string, workflowId: string, version: number, name: string, n8n: unknown, active: number | null | undefined): Promise<void> {
    await tx.query(
      `WITH v AS (INSERT INTO ${this.s}.workflow_versions (workflow_id, version, tenant, name, n8n) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING 1)
       INSERT INTO ${this.s}.workflows (workflow_id, tenant, latest_version, active_version) VALUES ($1, $3, $2, $6)
       ON CONFLICT (workflow_id) DO UPDATE SET latest_version = GREATEST(${this.s}.workflows.latest_version, EXCLUDED.latest_version),
         active_version = CASE WHEN $7 THEN EXCLUDED.active_version ELSE ${this.s}.workflows.active_version END`,
      [workflowId, version, tenant, name, JSON.stringify(n8n), active ?? null, active !== undefined],
    );
  }

  async setActive(tx: PoolClient, workflowId: string, version: number | null): Promise<void> {
    await tx.query(`UPDATE ${this.s}.workflows SET active_version = $2 WHERE workflow_id = $1`, [workflowId, version]);
  }

  async workflowOf(db: Queryable, workflowId: string): Promise<{ tenant: string; latest: number; active: number | null } | undefined> {
    const { rows } = await db.query<{ tenant: string; latest_version: number; active_version: number | null }>(
      `SELECT tenant, latest_version, active_version FROM ${this.s}.workflows WHERE workflow_id = $1`, [workflowId]);
    return rows[0] ? { tenant: rows[0].tenant, latest: rows[0].latest_version, active: rows[0].active_version } : undefined;
  }

  async workflowsOf(db: Queryable, workflowIds: readonly string[]): Promise<Map<string, { tenant: string; latest: number; active: number | null }>> {
    const { rows } = await db.query<{ workflow_id: string; tenant: string; latest_version: number; active_version: number | null }>(
      `SELECT workflow_id, tenant, latest_version, active_version FROM ${this.s}.workflows WHERE workflow_id = ANY($1::text[])`, [workflowIds]);
    return new Map(rows.map((r) => [r.workflow_id, { tenant: r.tenant, latest: r.latest_version, active: r.active_version }]));
  }

  /** Which of the streams exist already in the event store of `schema`. */
  async existingStreams(db: Queryable, schema: string, streamIds: readonly string[]): Promise<Set<string>> {
    const { rows } = await db.query<{ stream_id: string }>(`SELECT stream_id FROM ${schemaIdent(schema)}.streams WHERE stream_id = ANY($1::text[])`, [streamIds]);
    return new Set(rows.map((r) => r.stream_id));
  }

  async versionOf(db: Queryable, workflowId: string, version: number): Promise<{ name: string; n8n: JsonObject; tenant: string } | undefined> {
    const { rows } = await db.query<{ name: string; n8n: JsonObject; tenant: string }>(
      `SELECT name, n8n, tenant FROM ${this.s}.workflow_versions WHERE workflow_id = $1 AND version = $2`, [workflowId, version]);
    return rows[0];
  }

  async addActive(tx: Queryable, tenant: string, executionId: string, workflowId: string, version: number): Promise<void> {
    await tx.query(
      `WITH i AS (INSERT INTO ${this.s}.active_executions (execution_id, tenant, workflow_id, version) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING 1)
       SELECT pg_notify($5, '')`, [executionId, tenant, workflowId, version, this.channel]);
  }

  async addActiveMany(tx: Queryable, rows: ReadonlyArray<{ tenant: string; executionId: string; workflowId: string; version: number }>): Promise<void> {
    if (rows.length === 0) return;
    await tx.query(
      `WITH i AS (INSERT INTO ${this.s}.active_executions (execution_id, tenant, workflow_id, version)
         SELECT r.execution_id, r.tenant, r.workflow_id, r.version FROM jsonb_to_recordset($1::jsonb) AS r(execution_id text, tenant text, workflow_id text, version int)
         ORDER BY r.execution_id ON CONFLICT DO NOTHING RETURNING 1)
       SELECT pg_notify($2, '') FROM (SELECT count(*) FROM i) AS n`,
      [JSON.stringify(rows.map((r) => ({ execution_id: r.executionId, tenant: r.tenant, workflow_id: r.workflowId, version: r.version }))), this.channel]);
  }

  async removeActive(tx: Queryable, executionIds: readonly string[]): Promise<void> {
    if (executionIds.length > 0) await tx.query(`DELETE FROM ${this.s}.active_executions WHERE execution_id = ANY($1::text[])`, [executionIds]);
  }

  async activeAfter(db: Queryable, seq: string, limit: number): Promise<Array<{ executionId: string; seq: string; tenant: string }>> {
    const { rows } = await db.query<{ execution_id: string; seq: string; tenant: string }>(
      `SELECT execution_id, seq::text, tenant FROM ${this.s}.active_executions WHERE seq > $1::bigint ORDER BY seq LIMIT $2`, [seq, limit]);
    return rows.map((r) => ({ executionId: r.execution_id, seq: r.seq, tenant: r.tenant }));
  }

  async isActive(db: Queryable, executionId: string): Promise<{ tenant: string } | undefined> {
    const { rows } = await db.query<{ tenant: string }>(`SELECT tenant FROM ${this.s}.active_executions WHERE execution_id = $1`, [executionId]);
    return rows[0];
  }

  async toInbox(db: Queryable, rows: ReadonlyArray<{ executionId: string; kind: string; payload: unknown }>): Promise<void> {
    if (rows.length === 0) return;
    await db.query(
      `WITH i AS (INSERT INTO ${this.s}.execution_inbox (execution_id, kind, payload)
         SELECT r.execution_id, r.kind, r.payload FROM jsonb_to_recordset($1::jsonb) AS r(execution_id text, kind text, payload jsonb) RETURNING 1)
       SELECT pg_notify($2, '') FROM (SELECT count(*) FROM i) AS n`,
      [JSON.stringify(rows.map((r) => ({ execution_id: r.executionId, kind: r.kind, payload: r.payload }))), this.channel],
    );
  }

  async inboxAfter(db: Queryable, id: string, limit: number): Promise<Array<{ id: string; executionId: string; kind: string; payload: unknown }>> {
    const { rows } = await db.query<{ id: string; execution_id: string; kind: string; payload: unknown }>(
      `SELECT id::text, execution_id, kind, payload FROM ${this.s}.execution_inbox WHERE id > $1::bigint ORDER BY id LIMIT $2`, [id, limit]);
    return rows.map((r) => ({ id: r.id, executionId: r.execution_id, kind: r.kind, payload: r.payload }));
  }

  async deleteInbox(db: Queryable, ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await db.query(`DELETE FROM ${this.s}.execution_inbox WHERE id = ANY($1::bigint[])`, [ids]);
  }

  async addPendingCalls(db: Queryable, calls: ReadonlyArray<{ callId: string; executionId: string; node: string; runIndex: number; itemIndex: number; itemCount: number; output: string }>): Promise<void> {
    if (calls.length === 0) return;
    await db.query(
      `INSERT INTO ${this.s}.pending_calls (call_id, execution_id, node, run_index, item_index, item_count, output)
       SELECT c.call_id, c.execution_id, c.node, c.run_index, c.item_index, c.item_count, c.output
       FROM jsonb_to_recordset($1::jsonb) AS c(call_id text, execution_id text, node text, run_index int, item_index int, item_count int, output text)
       ON CONFLICT DO NOTHING`,
      [JSON.stringify(calls.map((c) => ({ call_id: c.callId, execution_id: c.executionId, node: c.node, run_index: c.runIndex, item_index: c.itemIndex, item_count: c.itemCount, output: c.output })))],
    );
  }

  /** Records a call's outcome; returns every call of that node run once all have one (and forgets them). */
  async settleCall(tx: PoolClient, callId: string, result: unknown): Promise<{ executionId: string; node: string; runIndex: number; output: string; results: unknown[] } | undefined> {
    const { rows } = await tx.query<{ execution_id: string; node: string; run_index: number }>(
      `UPDATE ${this.s}.pending_calls SET result = $2 WHERE call_id = $1 AND result IS NULL RETURNING execution_id, node, run_index`, [callId, JSON.stringify(result)]);
    if (!rows[0]) return undefined;
    const { execution_id: executionId, node, run_index: runIndex } = rows[0];
    const all = await tx.query<{ item_index: number; item_count: number; output: string; result: unknown }>(
      `SELECT item_index, item_count, output, result FROM ${this.s}.pending_calls WHERE execution_id = $1 AND node = $2 AND run_index = $3 ORDER BY item_index FOR UPDATE`,
      [executionId, node, runIndex]);
    if (all.rows.some((r) => r.result === null) || all.rows.length < (all.rows[0]?.item_count ?? 0)) return undefined;
    await tx.query(`DELETE FROM ${this.s}.pending_calls WHERE execution_id = $1 AND node = $2 AND run_index = $3`, [executionId, node, runIndex]);
    return { executionId, node, runIndex, output: all.rows[0].output, results: all.rows.map((r) => r.result) };
  }
}
