import { IsInt, Max, Min } from 'class-validator';

/** Settings of the gateway's /webhook/{path} routes (read from the environment by loadConfig). */
export class WebhooksConfig {
  /** How long a lastNode/responseNode caller waits for the execution's answer before a 504 (retry with the same Idempotency-Key keeps waiting). */
  @IsInt() @Min(100) @Max(10 * 60_000)
  WEBHOOK_RESPONSE_TIMEOUT_MS: number = 30_000;

  /** Webhook calls per credential per rate-limit window (RATE_LIMIT_WINDOW_MS, one minute by default). */
  @IsInt() @Min(1) @Max(100_000_000)
  WEBHOOK_RATE_LIMIT: number = 6_000;
}
