import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsInt, IsNumber, IsObject, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested,
} from 'class-validator';
import { AGENT_ID_PATTERN, MAX_TASK_PRIORITY, MAX_TASK_RETRIES, MAX_TASK_TIMEOUT_MS, MIN_TASK_TIMEOUT_MS, TASK_TYPE_PATTERN } from '@hive/contracts';
import { ListQueryDto } from '../common/list-query.dto';

export class RequiredCapabilityDto {
  @ApiProperty({ example: 'code_generation' }) @IsString() @Length(1, 64) name!: string;
  @ApiPropertyOptional({ minimum: 0, maximum: 1 }) @IsOptional() @IsNumber() @Min(0) @Max(1) minProficiency?: number;
}

export class CreateTaskDto {
  @ApiPropertyOptional({ description: 'Client-chosen id; a uuid is generated when absent.' })
  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9_.:-]{1,128}$/, { message: 'id must be 1-128 letters, digits, "_", ".", ":" or "-"' }) id?: string;

  @ApiProperty({ example: 'Review the payment module' }) @IsString() @Length(1, 255) title!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(0, 10000) description?: string;

  @ApiPropertyOptional({ example: 'code_review', default: 'general' })
  @IsOptional() @Matches(TASK_TYPE_PATTERN, { message: 'type must be 1-64 lower-case letters, digits, "_", "." or "-", starting with a letter' }) type?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_TASK_PRIORITY, default: 5 }) @IsOptional() @IsInt() @Min(0) @Max(MAX_TASK_PRIORITY) priority?: number;

  @ApiPropertyOptional({ type: [RequiredCapabilityDto] })
  @IsOptional() @IsArray() @ArrayMaxSize(32) @ValidateNested({ each: true }) @Type(() => RequiredCapabilityDto) requiredCapabilities?: RequiredCapabilityDto[];

  @ApiProperty({ description: 'Prompt sent to the agent' }) @IsString() @Length(1, 200000) prompt!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 50000) system?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 255) model?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) @IsOptional() @IsObject() payload?: Record<string, unknown>;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional() @IsArray() @ArrayMaxSize(100) @ArrayUnique() @IsString({ each: true }) @Length(1, 128, { each: true }) dependsOn?: string[];

  @ApiPropertyOptional({ minimum: MIN_TASK_TIMEOUT_MS, maximum: MAX_TASK_TIMEOUT_MS, default: 300000 })
  @IsOptional() @IsInt() @Min(MIN_TASK_TIMEOUT_MS) @Max(MAX_TASK_TIMEOUT_MS) timeoutMs?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_TASK_RETRIES, default: 2 }) @IsOptional() @IsInt() @Min(0) @Max(MAX_TASK_RETRIES) maxRetries?: number;
}

export class AssignTaskDto {
  @ApiProperty({ example: 'acacia' }) @Matches(AGENT_ID_PATTERN, { message: 'agentId must be 1-63 lower-case letters, digits, "-" or "_"' }) agentId!: string;
}

export class CancelTaskQueryDto {
  @ApiPropertyOptional({ description: 'Why the task is cancelled' }) @IsOptional() @IsString() @Length(1, 2000) reason?: string;
}

export class RetryTaskDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 2000) reason?: string;
}

export const TASK_STATUSES = ['pending', 'ready', 'assigned', 'running', 'completed', 'failed', 'timed_out', 'retry_scheduled', 'cancelled'] as const;

export class ListTasksQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: TASK_STATUSES }) @IsOptional() @IsIn(TASK_STATUSES) status?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(TASK_TYPE_PATTERN) type?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(AGENT_ID_PATTERN) agentId?: string;
  @ApiPropertyOptional({ enum: ['createdAt', 'updatedAt', 'priority'], default: 'createdAt' }) @IsOptional() @IsIn(['createdAt', 'updatedAt', 'priority']) sort?: string;
}
