import { ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { AGENT_PROVIDERS, AGENT_STATUSES, AgentProfileData, AgentProfilePatchData } from '@hive/contracts';
import { ListQueryDto } from '../common/list-query.dto';

/** The Hive registration protocol (camelCase, as in the contracts). */
export class RegisterAgentDto extends AgentProfileData {}

/** Fields to change; absent fields keep their value. */
export class UpdateAgentDto extends OmitType(AgentProfilePatchData, ['agentId'] as const) {}

export class BenchmarkAgentDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 255) model?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 20000) prompt?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 8192 }) @IsOptional() @IsInt() @Min(1) @Max(8192) maxTokens?: number;
}

export class DeregisterAgentQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 2000) reason?: string;
}

export class ListAgentsQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: AGENT_STATUSES }) @IsOptional() @IsIn(AGENT_STATUSES) status?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 255) model?: string;
  @ApiPropertyOptional({ enum: AGENT_PROVIDERS }) @IsOptional() @IsIn(AGENT_PROVIDERS) provider?: string;
  @ApiPropertyOptional({ enum: ['registeredAt', 'id', 'status'], default: 'registeredAt' }) @IsOptional() @IsIn(['registeredAt', 'id', 'status']) sort?: string;
}
