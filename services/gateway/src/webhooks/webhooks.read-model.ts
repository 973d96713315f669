import { createHash } from 'node:crypto';
import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { JsonObject } from '@hive/contracts';
import { HiveEventing } from '@hive/messaging';
import { ApiProblem } from '../problem/api-problem.exception';
import { normalisePath, webhooksTable, webhookWaitsTable } from './webhooks.projection';

export type ResponseMode = 'onReceived' | 'lastNode' | 'responseNode';

/** An active webhook trigger the gateway serves. */
export interface ActiveWebhook {
  readonly workflowId: string;
  readonly version: number;
  readonly nodeName: string;
  readonly responseMode: ResponseMode;
}

/** What a waited-for execution answered (the webhook_waits row once filled in). */
export type WebhookResult =
  | { readonly status: 'responded'; readonly statusCode: number; readonly headers: Record<string, string>; readonly body?: unknown }
  | { readonly status: 'completed'; readonly output: JsonObject | null; readonly items: number }
  | { readonly status: 'failed'; readonly error: string; readonly failedNode?: string }
  | { readonly status: 'cancelled' };

const WAIT_RETENTION = '1 hour';
/** How long a path's lookup is reused: (de)activations take effect within this (one query less per call under load). */
const LOOKUP_CACHE_MS = 1_000;
const LOOKUP_CACHE_MAX = 10_000;

type HookRow = Record<string, unknown>;

/** The webhooks read model and the webhook callers' pending answers. */
@Injectable()
export class WebhooksReadModel implements OnModuleInit, OnModuleDestroy {
  private readonly hooks: string;
  private readonly waits: string;
  private sweeper: NodeJS.Timeout | undefined;
  private readonly lookups = new Map<string, { at: number; rows: Promise<HookRow[]> }>();

  constructor(private readonly eventing: HiveEventing) {
    this.hooks = webhooksTable(eventing.schema);
    this.waits = webhookWaitsTable(eventing.schema);
  }

  onModuleInit(): void {
    // Answers are kept for an hour (a retry after a 504 finds its execution's answer), then dropped.
    this.sweeper = setInterval(() => {
      this.eventing.pool.query(`DELETE FROM ${this.waits} WHERE created_at < now() - interval '${WAIT_RETENTION}'`).catch(() => undefined);
    }, 60_000);
    this.sweeper.unref();
  }

  onModuleDestroy(): void {
    if (this.sweeper) clearInterval(this.sweeper);
  }

  /**
   * The tenant's active webhook for a method and path. Unknown path or method:
   * 404 as n8n answers; the same method and path on two active workflows: 409.
   */
  async resolve(tenant: string, method: string, rawPath: string): Promise<ActiveWebhook> {
    const path = normalisePath(rawPath);
    const wanted = method === 'HEAD' ? ['HEAD', 'GET'] : [method];
    const rows = await this.lookup(tenant, path);
    const matching = rows.filter((row) => wanted.includes(String(row['method'])));
    if (matching.length === 0) {
      const methods = [...new Set(rows.map((row) => String(row['method'])))];
      const hint = methods.length > 0 ? ` This webhook is not registered for ${method} requests. Did you mean to make a ${methods.join(' or ')} request?` : '';
      throw new ApiProblem('not_found', `The requested webhook "${method} ${path}" is not registered.${hint}`);
    }
    if (matching.length > 1) {
      throw new ApiProblem('conflict', `${matching.length} active workflows listen on ${method} /webhook/${path}; deactivate all but one`,
        { details: matching.map((row) => `workflow ${String(row['workflow_id'])}`) });
    }
    const row = matching[0];
    return { workflowId: String(row['workflow_id']), version: Number(row['version']), nodeName: String(row['node_name']), responseMode: String(row['response_mode']) as ResponseMode };
  }

  /** The tenant's rows for a path, from the database or a lookup made less than LOOKUP_CACHE_MS ago (concurrent callers share one query). */
  private lookup(tenant: string, path: string): Promise<HookRow[]> {
    const key = `${tenant}\n${path}`;
    const now = Date.now();
    const cached = this.lookups.get(key);
    if (cached && now - cached.at < LOOKUP_CACHE_MS) return cached.rows;
    if (this.lookups.size >= LOOKUP_CACHE_MAX) this.lookups.clear();
    const rows = this.eventing.pool.query<HookRow>({
      name: 'gateway-webhook-resolve',
      text: `SELECT method, workflow_id, version, node_name, response_mode FROM ${this.hooks} WHERE tenant = $1 AND path = $2`,
      values: [tenant, path],
    }).then((result) => result.rows);
    this.lookups.set(key, { at: now, rows });
    rows.catch(() => this.lookups.delete(key));
    return rows;
  }

  /** Records that a caller waits for this execution's answer (before StartExecution is sent, so no event can be missed). */
  async expect(tenant: string, executionId: string, mode: ResponseMode): Promise<void> {
    await this.eventing.pool.query({ name: 'gateway-webhook-expect', text: `INSERT INTO ${this.waits} (execution_id, tenant, mode) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, values: [executionId, tenant, mode] });
  }

  /** The execution's answer, once there is one. */
  async result(tenant: string, executionId: string): Promise<WebhookResult | undefined> {
    const { rows } = await this.eventing.pool.query<{ status: string | null; result: Record<string, unknown> | null }>({
      name: 'gateway-webhook-result', text: `SELECT status, result FROM ${this.waits} WHERE execution_id = $1 AND tenant = $2`, values: [executionId, tenant],
    });
    const row = rows[0];
    if (!row?.status || !row.result) return undefined;
    return { ...row.result, status: row.status } as WebhookResult;
  }
}

/**
 * The execution id of a webhook call: random, or derived from the caller's
 * Idempotency-Key so that a retry (after a 504) waits for the same execution
 * instead of starting another.
 */
export function webhookExecutionId(tenant: string, subject: string, idempotencyKey: string | undefined, random: () => string): string {
  if (idempotencyKey === undefined) return random();
  const hex = createHash('sha256').update(`webhook\n${tenant}\n${subject}\n${idempotencyKey}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
