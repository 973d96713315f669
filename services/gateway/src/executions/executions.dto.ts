import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { ListQueryDto } from '../common/list-query.dto';

export class CancelExecutionDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 2000) reason?: string;
}

export class RetryExecutionDto {
  @ApiPropertyOptional({ description: 'Node to resume from; the failed node when absent' }) @IsOptional() @IsString() @Length(1, 255) fromNode?: string;
}

export const EXECUTION_STATUSES = ['running', 'completed', 'failed', 'cancelled'] as const;

export class ListExecutionsQueryDto extends ListQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 128) workflowId?: string;
  @ApiPropertyOptional({ enum: EXECUTION_STATUSES }) @IsOptional() @IsIn(EXECUTION_STATUSES) status?: string;
  @ApiPropertyOptional({ enum: ['startedAt', 'updatedAt'], default: 'startedAt' }) @IsOptional() @IsIn(['startedAt', 'updatedAt']) sort?: string;
}
