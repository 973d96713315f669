import { Type } from 'class-transformer';
import {
  ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, IsUrl, Length, Matches, Max, Min, ValidateNested,
} from 'class-validator';
import { AGENT_ID_PATTERN, AGENT_PROVIDERS, CapabilityData, HardwareData, PerformanceTargetsData, type AgentProvider } from './agent-profile.data';

/**
 * The registration fields of one agent that change; absent fields keep their
 * value. Shared by UpdateAgent and agent.updated (which carries the new values
 * of exactly the fields that changed). Lists (capabilities) replace the old list.
 */
export class AgentProfilePatchData {
  @Matches(AGENT_ID_PATTERN, { message: 'agentId must be 1-63 lower-case letters, digits, "-" or "_"' })
  agentId!: string;

  @IsOptional() @IsString() @Length(1, 255) name?: string;

  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }, { message: 'endpoint must be an http(s) URL' })
  endpoint?: string;

  @IsOptional() @IsString() @Length(1, 255) model?: string;

  @IsOptional() @IsIn(AGENT_PROVIDERS) provider?: AgentProvider;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(64)
  @ValidateNested({ each: true })
  @Type(() => CapabilityData)
  capabilities?: CapabilityData[];

  @IsOptional() @ValidateNested() @Type(() => HardwareData) hardware?: HardwareData;

  @IsOptional() @ValidateNested() @Type(() => PerformanceTargetsData) performanceTargets?: PerformanceTargetsData;

  @IsOptional() @IsInt() @Min(1) @Max(1024) maxConcurrent?: number;

  @IsOptional() @IsString() @Length(1, 100) specialization?: string;
}
