import { IsInt, Max, Min } from 'class-validator';
import { InfraConfig } from '@hive/config';

export class WorkflowEngineConfig extends InfraConfig {
  /** Port of the health endpoint. */
  @IsInt() @Min(0) @Max(65535)
  WORKFLOW_ENGINE_PORT: number = 3103;
}
