import { IsInt, IsString, Max, Min } from 'class-validator';
import { InfraConfig } from '@hive/config';

export class CoordinatorConfig extends InfraConfig {
  /** Port of the health endpoint. */
  @IsInt() @Min(0) @Max(65535)
  COORDINATOR_PORT: number = 3102;

  /** Longest pause between two scheduling rounds when nothing wakes the scheduler. */
  @IsInt() @Min(10) @Max(60_000)
  SCHEDULER_INTERVAL_MS: number = 1_000;

  /** Most ready tasks one scheduling round considers. */
  @IsInt() @Min(1) @Max(100_000)
  SCHEDULER_BATCH: number = 5_000;

  /** Default per-tenant limit on tasks assigned or running at once (0 = unlimited). */
  @IsInt() @Min(0)
  TENANT_MAX_CONCURRENT_TASKS: number = 0;

  /** Default per-tenant token budget (0 = unlimited). */
  @IsInt() @Min(0)
  TENANT_TOKEN_BUDGET: number = 0;

  /**
   * Per-tenant overrides of the two defaults above, as JSON:
   * `{"acme": {"maxConcurrentTasks": 20, "tokenBudget": 5000000}}` (validated at boot).
   */
  @IsString()
  TENANT_LIMITS: string = '';
}
