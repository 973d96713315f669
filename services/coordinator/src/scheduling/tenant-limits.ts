import { taskOutputCap, type JsonObject } from '@hive/contracts';

/**
 * A tenant's resource limiter (BeamClaw's ResourceLimiter), as pure data and
 * checks. Two limits are enforced before a task is assigned: how many tasks a
 * tenant may have assigned or running at once, and its token budget.
 *
 * Token accounting is reserve-then-settle:
 * - At assignment the scheduler reserves an estimate of the task's tokens
 *   (`estimateTaskTokens`: prompt size plus the output cap the task asks for).
 *   A task is admitted only if the budget left after every open reservation
 *   still covers its estimate, so many tasks assigned in one plan, or running
 *   at once, cannot together spend past the budget by more than their
 *   estimates were wrong.
 * - On task.completed the reservation is released and the real usage
 *   (promptTokens + completionTokens) is debited: the meter counts what
 *   completed tasks consumed (the "metered from the completed tasks").
 * - On failure, timeout, cancellation or requeue the reservation is released
 *   and nothing is debited: those events carry no token counts.
 * A tenant over its budget keeps its tasks queued with the reason
 * `token_budget_exhausted` until the budget is raised or renewed.
 */
export interface TenantQuota {
  readonly tenant: string;
  /** Most tasks the tenant may have assigned or running at once; unlimited when absent. */
  readonly maxConcurrentTasks?: number;
  /** Tokens the tenant may still spend: its budget minus what its completed tasks consumed; unlimited when absent. */
  readonly tokenBudgetRemaining?: number;
  /** Tasks of the tenant assigned or running now. */
  readonly active: number;
  /** Sum of the estimates reserved by the tenant's assigned and running tasks. */
  readonly tokensReserved: number;
}

export type TenantWaitReason = 'tenant_concurrency_limit' | 'token_budget_exhausted';

/** What a tenant without a quota record gets: no limits, nothing active. */
export const unlimitedQuota = (tenant: string): TenantQuota => ({ tenant, active: 0, tokensReserved: 0 });

/** Why a tenant may not start one more task of `estimatedTokens` now, or null when it may. */
export function checkTenantAdmission(quota: TenantQuota, estimatedTokens: number): TenantWaitReason | null {
  if (quota.maxConcurrentTasks !== undefined && quota.active >= quota.maxConcurrentTasks) return 'tenant_concurrency_limit';
  if (quota.tokenBudgetRemaining !== undefined && quota.tokenBudgetRemaining - quota.tokensReserved < estimatedTokens) {
    return 'token_budget_exhausted';
  }
  return null;
}

/** The quota after a task with this estimate was assigned. */
export const reserveForTask = (quota: TenantQuota, estimatedTokens: number): TenantQuota => ({
  ...quota,
  active: quota.active + 1,
  tokensReserved: quota.tokensReserved + estimatedTokens,
});

/** The quota after a task completed: its reservation released, its real usage debited. */
export const settleCompletedTask = (
  quota: TenantQuota,
  reservedTokens: number,
  usage: { readonly promptTokens: number; readonly completionTokens: number },
): TenantQuota => ({
  ...releaseReservation(quota, reservedTokens),
  ...(quota.tokenBudgetRemaining === undefined
    ? {}
    : { tokenBudgetRemaining: quota.tokenBudgetRemaining - usage.promptTokens - usage.completionTokens }),
});

/** The quota after a task left its agent without completing (failed, timed out, cancelled, requeued). */
export const releaseReservation = (quota: TenantQuota, reservedTokens: number): TenantQuota => ({
  ...quota,
  active: Math.max(0, quota.active - 1),
  tokensReserved: Math.max(0, quota.tokensReserved - reservedTokens),
});

/** Output tokens reserved when the task does not cap its output. */
export const DEFAULT_OUTPUT_TOKENS = 1024;

/** About four characters per token for English text and code: an estimate, settled against real counts on completion. */
const CHARS_PER_TOKEN = 4;

/**
 * Tokens a task is expected to use: its prompt (and system prompt) at ~4
 * characters a token, plus the output cap it asks for (Hive's `maxTokens`,
 * OpenAI `max_tokens`, Ollama `num_predict` at the top level or under
 * `options`: the fields the agent runtime passes on), or
 * DEFAULT_OUTPUT_TOKENS.
 */
export function estimateTaskTokens(task: { readonly prompt: string; readonly system?: string; readonly payload?: JsonObject }): number {
  const input = Math.ceil((task.prompt.length + (task.system?.length ?? 0)) / CHARS_PER_TOKEN);
  return input + (taskOutputCap(task.payload) ?? DEFAULT_OUTPUT_TOKENS);
}


/** One tenant's limits; absent or 0 means unlimited. */
export interface TenantLimit {
  readonly maxConcurrentTasks?: number;
  readonly tokenBudget?: number;
}

/**
 * Every tenant's limits: the defaults (TENANT_MAX_CONCURRENT_TASKS, TENANT_TOKEN_BUDGET) and the
 * per-tenant overrides of TENANT_LIMITS, a JSON object such as
 * `{"acme": {"maxConcurrentTasks": 20, "tokenBudget": 5000000}, "globex": {"tokenBudget": 0}}`
 * (a field left out takes the default; 0 lifts that limit for the tenant).
 */
export class TenantLimits {
  constructor(private readonly defaults: TenantLimit, private readonly overrides: ReadonlyMap<string, TenantLimit> = new Map()) {}

  /** Parses TENANT_LIMITS; throws naming every problem, so a bad setting stops the service at boot. */
  static parse(text: string, defaults: TenantLimit): TenantLimits {
    if (text.trim() === '') return new TenantLimits(defaults);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new Error(`TENANT_LIMITS is not valid JSON: ${(error as Error).message}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('TENANT_LIMITS must be a JSON object of tenant -> limits');
    const problems: string[] = [];
    const overrides = new Map<string, TenantLimit>();
    for (const [tenant, limit] of Object.entries(parsed as Record<string, unknown>)) {
      if (typeof limit !== 'object' || limit === null || Array.isArray(limit)) {
        problems.push(`${tenant}: must be an object with maxConcurrentTasks and/or tokenBudget`);
        continue;
      }
      const entry: Record<string, number> = {};
      for (const [field, value] of Object.entries(limit as Record<string, unknown>)) {
        if (field !== 'maxConcurrentTasks' && field !== 'tokenBudget') problems.push(`${tenant}.${field}: unknown limit (known: maxConcurrentTasks, tokenBudget)`);
        else if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) problems.push(`${tenant}.${field}: must be an integer >= 0, got ${JSON.stringify(value)}`);
        else entry[field] = value;
      }
      overrides.set(tenant, entry);
    }
    if (problems.length > 0) throw new Error(`TENANT_LIMITS is invalid: ${problems.join('; ')}`);
    return new TenantLimits(defaults, overrides);
  }

  /** The tenant's effective limits; undefined fields are unlimited. */
  of(tenant: string): TenantLimit {
    const override = this.overrides.get(tenant) ?? {};
    const pick = (value: number | undefined) => (value !== undefined && value > 0 ? value : undefined);
    return {
      maxConcurrentTasks: pick(override.maxConcurrentTasks ?? this.defaults.maxConcurrentTasks),
      tokenBudget: pick(override.tokenBudget ?? this.defaults.tokenBudget),
    };
  }

  /** The quota the scheduler plans with, from the tenant's usage. */
  quota(tenant: string, usage: { active: number; reserved: number; used: number }): TenantQuota {
    const limit = this.of(tenant);
    return {
      tenant, active: usage.active, tokensReserved: usage.reserved,
      ...(limit.maxConcurrentTasks !== undefined ? { maxConcurrentTasks: limit.maxConcurrentTasks } : {}),
      ...(limit.tokenBudget !== undefined ? { tokenBudgetRemaining: Math.max(0, limit.tokenBudget - usage.used) } : {}),
    };
  }
}
