import { IsInt, Max, Min } from 'class-validator';
import { InfraConfig } from '@hive/config';

export class AgentManagerConfig extends InfraConfig {
  /** Port of the health endpoint. */
  @IsInt() @Min(0) @Max(65535)
  AGENT_MANAGER_PORT: number = 3101;

  /** How often every agent's endpoint is probed. */
  @IsInt() @Min(100) @Max(3_600_000)
  HEALTH_INTERVAL_MS: number = 10_000;

  @IsInt() @Min(50) @Max(60_000)
  HEALTH_PROBE_TIMEOUT_MS: number = 5_000;

  /** Probes in flight at once. */
  @IsInt() @Min(1) @Max(1_000)
  HEALTH_CONCURRENCY: number = 64;

  /** Task attempts one instance runs at once (each agent's maxConcurrent is enforced by the coordinator). */
  @IsInt() @Min(1) @Max(10_000)
  MAX_RUNNING_TASKS: number = 512;
}
