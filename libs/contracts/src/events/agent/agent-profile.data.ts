import { Type } from 'class-transformer';
import {
  ArrayMaxSize, IsArray, IsIn, IsInt, IsNumber, IsOptional, IsString, IsUrl, Length, Matches, Max, Min, ValidateNested,
} from 'class-validator';

export const AGENT_PROVIDERS = ['ollama', 'openai'] as const;
export type AgentProvider = (typeof AGENT_PROVIDERS)[number];

/**
 * Agents registered by this tenant (the platform operator's) serve every
 * tenant; an agent registered by any other tenant serves only that tenant.
 */
export const SHARED_AGENT_TENANT = 'hive';

/** An agent id: lower-case, readable, stable (e.g. `acacia`). */
export const AGENT_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export class CapabilityData {
  @IsString()
  @Length(1, 64)
  name!: string;

  @IsNumber()
  @Min(0)
  @Max(1)
  proficiency!: number;
}

export class HardwareData {
  @IsOptional() @IsString() @Length(1, 128) gpuType?: string;
  @IsOptional() @IsNumber() @Min(0) vramGb?: number;
  @IsOptional() @IsInt() @Min(0) cpuCores?: number;
  @IsOptional() @IsNumber() @Min(0) ramGb?: number;
}

export class PerformanceTargetsData {
  /** Minimum tokens per second the agent should sustain. */
  @IsOptional() @IsNumber() @Min(0) minTps?: number;
  /** Maximum response time in seconds. */
  @IsOptional() @IsNumber() @Min(0) maxResponseTime?: number;
}

/** The Hive registration protocol's fields, shared by RegisterAgent and agent.registered. */
export class AgentProfileData {
  @Matches(AGENT_ID_PATTERN, { message: 'agentId must be 1-63 lower-case letters, digits, "-" or "_"' })
  agentId!: string;

  @IsString()
  @Length(1, 255)
  name!: string;

  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }, { message: 'endpoint must be an http(s) URL' })
  endpoint!: string;

  @IsString()
  @Length(1, 255)
  model!: string;

  @IsIn(AGENT_PROVIDERS)
  provider!: AgentProvider;

  @IsArray()
  @ArrayMaxSize(64)
  @ValidateNested({ each: true })
  @Type(() => CapabilityData)
  capabilities!: CapabilityData[];

  @IsOptional()
  @ValidateNested()
  @Type(() => HardwareData)
  hardware?: HardwareData;

  @IsOptional()
  @ValidateNested()
  @Type(() => PerformanceTargetsData)
  performanceTargets?: PerformanceTargetsData;

  @IsInt()
  @Min(1)
  @Max(1024)
  maxConcurrent!: number;

  @IsOptional()
  @IsString()
  @Length(1, 100)
  specialization?: string;
}
