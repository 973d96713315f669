import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayUnique, IsArray, IsInt, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested,
} from 'class-validator';
import { IsEntityId } from '../../validation/is-entity-id.decorator';
import { IsJsonObject } from '../../validation/is-json-object.decorator';
import type { JsonObject } from '../../validation/json-object';
import { RequiredCapabilityData } from './required-capability.data';

export const TASK_TYPE_PATTERN = /^[a-z][a-z0-9_.-]{0,63}$/;
export const MAX_TASK_PRIORITY = 1000;
export const MIN_TASK_TIMEOUT_MS = 1000;
export const MAX_TASK_TIMEOUT_MS = 24 * 60 * 60 * 1000;
export const MAX_TASK_RETRIES = 10;

/**
 * What a task is, shared by CreateTask and task.created. The tenant is on the
 * envelope; the id comes in with the command (ids and time never come from the decider).
 */
export class TaskSpecData {
  @IsEntityId() taskId!: string;

  @IsString() @Length(1, 255) title!: string;

  @IsOptional() @IsString() @Length(0, 10000) description?: string;

  /** Kind of work, e.g. `code_generation`, `code_review`, `workflow_node`. */
  @Matches(TASK_TYPE_PATTERN, { message: 'type must be 1-64 lower-case letters, digits, "_", "." or "-", starting with a letter' })
  type!: string;

  /** Higher runs first; ties run in creation order. */
  @IsInt() @Min(0) @Max(MAX_TASK_PRIORITY) priority!: number;

  @IsArray()
  @ArrayMaxSize(32)
  @ValidateNested({ each: true })
  @Type(() => RequiredCapabilityData)
  requiredCapabilities!: RequiredCapabilityData[];

  /** The prompt sent to the agent's model. */
  @IsString() @Length(1, 200000) prompt!: string;

  /** Optional system prompt. */
  @IsOptional() @IsString() @Length(1, 50000) system?: string;

  /** Model to use; the assigned agent's model when absent. */
  @IsOptional() @IsString() @Length(1, 255) model?: string;

  /** Free-form input for the provider call (options such as temperature, format, extra context). */
  @IsOptional() @IsJsonObject() payload?: JsonObject;

  /** Tasks that must complete before this one is ready. */
  @IsArray() @ArrayMaxSize(100) @ArrayUnique() @IsEntityId({ each: true })
  dependsOn!: string[];

  /** Time one attempt may run before it times out. */
  @IsInt() @Min(MIN_TASK_TIMEOUT_MS) @Max(MAX_TASK_TIMEOUT_MS) timeoutMs!: number;

  /** Retries after the first attempt for a retriable failure or a timeout. */
  @IsInt() @Min(0) @Max(MAX_TASK_RETRIES) maxRetries!: number;

  /** The workflow execution this task runs a node for, if any. */
  @IsOptional() @IsEntityId() executionId?: string;

  @IsOptional() @IsString() @Length(1, 255) nodeName?: string;
}
