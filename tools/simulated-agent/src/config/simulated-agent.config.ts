import { IsIn, IsInt, IsIP, IsNumber, IsOptional, Matches, Max, Min } from 'class-validator';
import { DEFAULT_TUNABLES } from '../simulation/simulation-settings';

/**
 * The simulated agent's settings, from SIM_* environment variables or the
 * equivalent command-line flags (flags win). Validated at start; a bad value
 * stops the program naming the variable.
 */
export class SimulatedAgentConfig {
  /** `standard` runs acacia, walnut and ironwood in this process. */
  @IsOptional() @IsIn(['standard'], { message: 'SIM_PRESET (--preset) must be "standard"' })
  SIM_PRESET?: 'standard' = undefined;

  /** Agent name (a single agent only). */
  @IsOptional() @Matches(/^[a-z0-9][a-z0-9_-]{0,62}$/, { message: 'SIM_NAME (--name) must be 1-63 lower-case letters, digits, "-" or "_"' })
  SIM_NAME?: string = undefined;

  /** Comma-separated model names (a single agent only), e.g. `deepseek-r1:7b,nomic-embed-text`. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._/-]*(:[A-Za-z0-9._-]+)?(,[A-Za-z0-9][A-Za-z0-9._/-]*(:[A-Za-z0-9._-]+)?)*$/, {
    message: 'SIM_MODELS (--models) must be a comma-separated list of model names such as deepseek-r1:7b',
  })
  SIM_MODELS?: string = undefined;

  @IsIP(undefined, { message: 'SIM_HOST (--host) must be an IP address' })
  SIM_HOST: string = '127.0.0.1';

  /** 0 picks a free port. With the preset: the first agent's port, the others follow (default 11501-11503). */
  @IsOptional() @IsInt({ message: 'SIM_PORT (--port) must be an integer' }) @Min(0) @Max(65535)
  SIM_PORT?: number = undefined;

  @IsInt({ message: 'SIM_LATENCY_MS (--latency-ms) must be an integer' }) @Min(0) @Max(600_000)
  SIM_LATENCY_MS: number = DEFAULT_TUNABLES.latencyMs;

  /** 0 means as fast as possible. */
  @IsNumber({}, { message: 'SIM_TOKENS_PER_SECOND (--tokens-per-second) must be a number' }) @Min(0) @Max(1_000_000)
  SIM_TOKENS_PER_SECOND: number = DEFAULT_TUNABLES.tokensPerSecond;

  @IsNumber({}, { message: 'SIM_FAILURE_RATE (--failure-rate) must be a number' }) @Min(0) @Max(1)
  SIM_FAILURE_RATE: number = DEFAULT_TUNABLES.failureRate;

  /** 0 means no limit. */
  @IsInt({ message: 'SIM_MAX_CONCURRENT (--max-concurrent) must be an integer' }) @Min(0) @Max(100_000)
  SIM_MAX_CONCURRENT: number = DEFAULT_TUNABLES.maxConcurrent;

  @IsInt({ message: 'SIM_RESPONSE_TOKENS (--response-tokens) must be an integer' }) @Min(1) @Max(1_000_000)
  SIM_RESPONSE_TOKENS: number = DEFAULT_TUNABLES.responseTokens;
}
