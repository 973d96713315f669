import { IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength } from 'class-validator';
import { InfraConfig } from '@hive/config';

/** Development-only signing secret: production must set HIVE_JWT_SECRET (the gateway refuses the default under NODE_ENV=production). */
export const DEV_JWT_SECRET = 'hive-dev-only-secret-change-me-0123456789';

export class GatewayConfig extends InfraConfig {
  @IsInt() @Min(0) @Max(65535)
  GATEWAY_PORT: number = 3000;

  /** HS256 secret for the gateway's own tokens (login, dev tokens). At least 32 characters. */
  @IsString() @MinLength(32)
  HIVE_JWT_SECRET: string = DEV_JWT_SECRET;

  /** When set, RS256/ES256 tokens from an identity provider are also accepted, verified against this JWKS. */
  @IsOptional() @IsUrl({ require_tld: false, require_protocol: true })
  HIVE_JWT_JWKS_URL?: string = undefined;

  /** Expected `iss` of tokens verified through the JWKS (unchecked when absent). */
  @IsOptional() @IsString()
  HIVE_JWT_ISSUER?: string = undefined;

  @IsInt() @Min(30) @Max(24 * 3600)
  ACCESS_TOKEN_TTL_S: number = 900;

  @IsInt() @Min(60) @Max(90 * 24 * 3600)
  REFRESH_TOKEN_TTL_S: number = 7 * 24 * 3600;

  /** Shared rate-limit state (every gateway instance must use the same Redis). */
  @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must be a redis:// URL' })
  REDIS_URL: string = 'redis://127.0.0.1:6379';

  /** Length of the rate-limit window the Hive document's per-role limits apply to. */
  @IsInt() @Min(1000) @Max(24 * 3600 * 1000)
  RATE_LIMIT_WINDOW_MS: number = 60_000;

  /** Largest accepted request body; larger ones get 413. */
  @IsInt() @Min(1024) @Max(64 * 1024 * 1024)
  BODY_LIMIT_BYTES: number = 1024 * 1024;

  /** How long a command may wait for its outcome before the client gets 504 (safe to retry with the same Idempotency-Key). */
  @IsInt() @Min(100) @Max(120_000)
  COMMAND_TIMEOUT_MS: number = 10_000;

  /** How long an accepted command waits for the gateway's read model to show its events before answering with what is there. */
  @IsInt() @Min(0) @Max(60_000)
  READ_YOUR_WRITES_TIMEOUT_MS: number = 3_000;

  /** Bytes a WebSocket client may have waiting in its send buffer before it is closed as too slow. */
  @IsInt() @Min(1024) @Max(64 * 1024 * 1024)
  WS_MAX_QUEUED_BYTES: number = 1024 * 1024;

  /** Interval of WebSocket heartbeats; a client that misses one is disconnected. */
  @IsInt() @Min(1000) @Max(600_000)
  WS_HEARTBEAT_MS: number = 30_000;

  /** The MCP bridge's Streamable HTTP endpoint that POST /mcp is proxied to. */
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  MCP_BRIDGE_URL: string = 'http://127.0.0.1:3105/mcp';

  /** Subscriptions one WebSocket connection may hold. */
  @IsInt() @Min(1) @Max(10_000)
  WS_MAX_SUBSCRIPTIONS: number = 100;
}
