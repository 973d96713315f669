import { IsInt, Max, Min } from 'class-validator';
import { InfraConfig } from '@hive/config';

export class PerformanceMonitorConfig extends InfraConfig {
  /** Port of the health endpoint. */
  @IsInt() @Min(0) @Max(65535)
  PERFORMANCE_MONITOR_PORT: number = 3104;
}
