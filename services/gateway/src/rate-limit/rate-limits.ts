import { SetMetadata } from '@nestjs/common';
import type { Role } from '../auth/permissions';

/**
 * The Hive document's table: requests per role per window (RATE_LIMIT_WINDOW_MS,
 * one minute by default). 0 means the role may not call the endpoint at all.
 */
export const RATE_LIMITS = {
  'api.workflows.create': { admin: 100, developer: 50, viewer: 0 },
  'api.executions.start': { admin: 200, developer: 100, viewer: 0 },
  'api.agents.register': { admin: 10, developer: 0, viewer: 0 },
} as const satisfies Record<string, Readonly<Record<Role, number>>>;
export type RateLimitName = keyof typeof RATE_LIMITS;

export const RATE_LIMIT_KEY = 'hive:rate-limit';

/** Counts the route's calls against one of the document's limits. */
export const RateLimit = (name: RateLimitName) => SetMetadata(RATE_LIMIT_KEY, name);
