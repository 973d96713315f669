import { randomBytes } from 'node:crypto';
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { GatewayConfig } from '../config/gateway.config';

export interface RateDecision {
  readonly allowed: boolean;
  /** Milliseconds until a call would be allowed again (0 when allowed). */
  readonly retryAfterMs: number;
  readonly remaining: number;
}

/**
 * Sliding-window log in one Redis sorted set per (tenant, subject, limit):
 * the script trims entries older than the window, counts, and admits or
 * refuses atomically with the Redis server's clock, so every gateway
 * instance shares one count and one notion of time.
 */
const SLIDING_WINDOW = `
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local member = ARGV[3]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
if count < limit then
  redis.call('ZADD', key, now, member)
  redis.call('PEXPIRE', key, window)
  return {1, 0, limit - count - 1}
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
local wait = window
if oldest[2] then wait = tonumber(oldest[2]) + window - now end
return {0, wait, 0}
`;

@Injectable()
export class RateLimiter implements OnModuleDestroy {
  private readonly logger = new Logger(RateLimiter.name);
  private readonly redis: Redis;
  private sequence = 0;
  private readonly instance = randomBytes(6).toString('hex');

  constructor(private readonly config: GatewayConfig) {
    this.redis = new Redis(config.REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 1, enableOfflineQueue: true, keyPrefix: `${config.HIVE_TOPIC_PREFIX}hive:rl:` });
    this.redis.on('error', (error: Error) => this.logger.warn(`redis: ${error.message}`));
    this.redis.defineCommand('hiveSlidingWindow', { numberOfKeys: 1, lua: SLIDING_WINDOW });
  }

  /**
   * Counts one call. If Redis cannot be reached the call is admitted (fail
   * open, logged): an outage of the limiter must not take the API down.
   */
  async take(key: string, limit: number): Promise<RateDecision> {
    if (limit <= 0) return { allowed: false, retryAfterMs: this.config.RATE_LIMIT_WINDOW_MS, remaining: 0 };
    const member = `${this.instance}:${this.sequence++}`;
    try {
      const [allowed, wait, remaining] = await (this.redis as unknown as {
        hiveSlidingWindow(key: string, limit: number, window: number, member: string): Promise<[number, number, number]>;
      }).hiveSlidingWindow(key, limit, this.config.RATE_LIMIT_WINDOW_MS, member);
      return { allowed: allowed === 1, retryAfterMs: wait, remaining };
    } catch (error) {
      this.logger.error(`rate limiter unavailable, admitting the call: ${(error as Error).message}`);
      return { allowed: true, retryAfterMs: 0, remaining: limit };
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}
