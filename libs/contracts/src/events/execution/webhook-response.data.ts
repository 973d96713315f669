import { IsInt, IsObject, IsOptional, Max, Min } from 'class-validator';

/** The HTTP answer a Respond to Webhook node chose for the webhook's caller. */
export class WebhookResponseData {
  @IsInt() @Min(100) @Max(599) statusCode!: number;

  /** Header name -> value. */
  @IsObject() headers!: Record<string, string>;

  /** JSON value or text; absent for no body. */
  @IsOptional() body?: unknown;
}
