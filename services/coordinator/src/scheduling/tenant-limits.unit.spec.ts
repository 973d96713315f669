import {
  DEFAULT_OUTPUT_TOKENS, TenantLimits, checkTenantAdmission, estimateTaskTokens, releaseReservation, reserveForTask, settleCompletedTask, unlimitedQuota,
  type TenantQuota,
} from './tenant-limits';

const acme = (overrides: Partial<TenantQuota> = {}): TenantQuota => ({
  tenant: 'acme', maxConcurrentTasks: 3, tokenBudgetRemaining: 10_000, active: 0, tokensReserved: 0, ...overrides,
});

describe('tenant limits', () => {
  describe('checkTenantAdmission', () => {
    it('admits a task within both limits', () => {
      expect(checkTenantAdmission(acme({ active: 2, tokensReserved: 4_000 }), 6_000)).toBeNull();
    });

    it('refuses at the concurrency limit', () => {
      expect(checkTenantAdmission(acme({ active: 3 }), 1)).toBe('tenant_concurrency_limit');
    });

    it('counts open reservations against the budget', () => {
      expect(checkTenantAdmission(acme({ tokensReserved: 4_001 }), 6_000)).toBe('token_budget_exhausted');
    });

    it('refuses a task whose estimate alone exceeds what is left', () => {
      expect(checkTenantAdmission(acme({ tokenBudgetRemaining: 500 }), 501)).toBe('token_budget_exhausted');
    });

    it('refuses everything once completed tasks overspent the budget', () => {
      expect(checkTenantAdmission(acme({ tokenBudgetRemaining: -20 }), 0)).toBe('token_budget_exhausted');
    });

    it('names the concurrency limit first when both are exceeded', () => {
      expect(checkTenantAdmission(acme({ active: 3, tokenBudgetRemaining: 0 }), 10)).toBe('tenant_concurrency_limit');
    });

    it('has no limits without a quota', () => {
      expect(checkTenantAdmission({ ...unlimitedQuota('acme'), active: 10_000, tokensReserved: 1e12 }, 1e12)).toBeNull();
    });
  });

  describe('reserve, then settle or release', () => {
    it('reserves the estimate and counts the task as active', () => {
      expect(reserveForTask(acme(), 1_200)).toEqual(acme({ active: 1, tokensReserved: 1_200 }));
    });

    it('on completion releases the reservation and debits what the task really used', () => {
      const running = reserveForTask(acme(), 1_200);
      expect(settleCompletedTask(running, 1_200, { promptTokens: 300, completionTokens: 650 }))
        .toEqual(acme({ active: 0, tokensReserved: 0, tokenBudgetRemaining: 10_000 - 950 }));
    });

    it('debits more than the estimate when the task used more', () => {
      const settled = settleCompletedTask(reserveForTask(acme(), 100), 100, { promptTokens: 2_000, completionTokens: 3_000 });
      expect(settled.tokenBudgetRemaining).toBe(5_000);
    });

    it('on failure, timeout, cancellation or requeue releases the reservation and debits nothing', () => {
      expect(releaseReservation(reserveForTask(acme(), 1_200), 1_200)).toEqual(acme());
    });

    it('never goes below zero when a release is counted twice', () => {
      expect(releaseReservation(acme(), 1_200)).toEqual(acme());
    });

    it('meters nothing against a tenant without a budget', () => {
      expect(settleCompletedTask(reserveForTask(unlimitedQuota('acme'), 10), 10, { promptTokens: 5, completionTokens: 5 }))
        .toEqual(unlimitedQuota('acme'));
    });
  });

  describe('estimateTaskTokens', () => {
    it('counts about four characters a token for the prompt and system prompt, plus the default output', () => {
      expect(estimateTaskTokens({ prompt: 'x'.repeat(400), system: 'y'.repeat(41) })).toBe(100 + 11 + DEFAULT_OUTPUT_TOKENS);
    });

    it.each([
      ['OpenAI max_tokens', { max_tokens: 200 }],
      ['Ollama num_predict', { num_predict: 200 }],
      ['Ollama options.num_predict', { options: { num_predict: 200 } }],
    ])('uses the output cap the task asks for (%s)', (_name, payload) => {
      expect(estimateTaskTokens({ prompt: 'abcd', payload })).toBe(1 + 200);
    });

    it('ignores an unbounded or malformed cap', () => {
      expect(estimateTaskTokens({ prompt: 'abcd', payload: { num_predict: -1, max_tokens: '300' } })).toBe(1 + DEFAULT_OUTPUT_TOKENS);
    });
  });

  describe('TenantLimits (defaults and TENANT_LIMITS overrides)', () => {
    const defaults = { maxConcurrentTasks: 10, tokenBudget: 1_000 };

    it('gives every tenant the defaults, and a tenant its own override field by field', () => {
      const limits = TenantLimits.parse('{"acme": {"maxConcurrentTasks": 2}, "globex": {"tokenBudget": 0}}', defaults);
      expect(limits.of('initech')).toEqual({ maxConcurrentTasks: 10, tokenBudget: 1_000 });
      expect(limits.of('acme')).toEqual({ maxConcurrentTasks: 2, tokenBudget: 1_000 });
      expect(limits.of('globex')).toEqual({ maxConcurrentTasks: 10, tokenBudget: undefined });
    });

    it('treats 0 as unlimited and an empty setting as no overrides', () => {
      expect(TenantLimits.parse('', { maxConcurrentTasks: 0, tokenBudget: 0 }).of('acme')).toEqual({ maxConcurrentTasks: undefined, tokenBudget: undefined });
    });

    it('turns usage into the quota the scheduler plans with', () => {
      const limits = TenantLimits.parse('{"acme": {"tokenBudget": 500}}', defaults);
      expect(limits.quota('acme', { active: 3, reserved: 120, used: 450 })).toEqual({ tenant: 'acme', active: 3, tokensReserved: 120, maxConcurrentTasks: 10, tokenBudgetRemaining: 50 });
      expect(limits.quota('acme', { active: 0, reserved: 0, used: 900 }).tokenBudgetRemaining).toBe(0);
    });

    it.each([
      ['not JSON', '{acme', /TENANT_LIMITS is not valid JSON/],
      ['an array', '[1]', /must be a JSON object of tenant -> limits/],
      ['a tenant that is not an object', '{"acme": 5}', /acme: must be an object/],
      ['an unknown limit', '{"acme": {"maxTasks": 5}}', /acme.maxTasks: unknown limit/],
      ['a negative budget', '{"acme": {"tokenBudget": -1}}', /acme.tokenBudget: must be an integer >= 0, got -1/],
    ])('refuses %s, naming the problem', (_, text, message) => {
      expect(() => TenantLimits.parse(text, defaults)).toThrow(message);
    });
  });
});
