import { IsInt, IsOptional, IsString, IsUrl, Max, Min, MinLength } from 'class-validator';
import { InfraConfig } from '@hive/config';

/** Development-only signing secret, the gateway's default: production sets HIVE_JWT_SECRET for both. */
export const DEV_JWT_SECRET = 'hive-dev-only-secret-change-me-0123456789';

export class McpBridgeConfig extends InfraConfig {
  /** Port of the health endpoint and of Hive's own MCP server (`/mcp`). */
  @IsInt() @Min(0) @Max(65535)
  MCP_BRIDGE_PORT: number = 3105;

  /** HS256 secret of the gateway's tokens (the same variable the gateway reads): `/mcp` accepts the gateway's bearer tokens. */
  @IsString() @MinLength(32)
  HIVE_JWT_SECRET: string = DEV_JWT_SECRET;

  /** As on the gateway: RS256/ES256 tokens of an identity provider are also accepted, verified against this JWKS. */
  @IsOptional() @IsUrl({ require_tld: false, require_protocol: true })
  HIVE_JWT_JWKS_URL?: string = undefined;

  /** As on the gateway: expected `iss` of tokens verified through the JWKS. */
  @IsOptional() @IsString()
  HIVE_JWT_ISSUER?: string = undefined;

  /**
   * Executables a stdio MCP server may be started with (comma-separated basenames, e.g. `npx,node,uvx`).
   * Empty (the default) refuses stdio registrations: registering one runs a command on the bridge's host.
   */
  @IsString()
  MCP_STDIO_COMMANDS: string = '';

  /** How often every registered server is pinged (and reconnected when it was unreachable). */
  @IsInt() @Min(100) @Max(3_600_000)
  MCP_HEALTH_INTERVAL_MS: number = 10_000;

  /** A ping slower than this marks the server degraded; no answer within 3x marks it unreachable. */
  @IsInt() @Min(10) @Max(60_000)
  MCP_HEALTH_TIMEOUT_MS: number = 2_000;

  /** How long connecting to a server (starting a stdio process, initialize, tools/list) may take. */
  @IsInt() @Min(100) @Max(300_000)
  MCP_CONNECT_TIMEOUT_MS: number = 15_000;

  /** Extra attempts of a tool call that failed in transport, for tools the server annotates as idempotent or read-only. */
  @IsInt() @Min(0) @Max(10)
  MCP_CALL_RETRIES: number = 2;

  /** Tool calls in flight to one MCP server at most; further calls queue (their timeout includes the wait). */
  @IsInt() @Min(1) @Max(10_000)
  MCP_MAX_CONCURRENT_CALLS: number = 64;

  /** How long a Hive MCP tool waits for a command's outcome (task creation, workflow start) before answering with a timeout. */
  @IsInt() @Min(100) @Max(600_000)
  MCP_COMMAND_TIMEOUT_MS: number = 10_000;

  /** How long `coordinate_development` waits for its tasks to finish before returning what it has. */
  @IsInt() @Min(100) @Max(3_600_000)
  MCP_COORDINATE_TIMEOUT_MS: number = 120_000;
}
