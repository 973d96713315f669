/** Why a request failed; the problem filter maps each code to one HTTP status, in one place. */
export const PROBLEM_CODES = [
  'validation_failed', 'malformed_json', 'payload_too_large', 'unsupported_media_type',
  'unauthenticated', 'forbidden', 'not_found', 'method_not_allowed', 'conflict', 'already_exists', 'idempotency_key_reused',
  'rejected_invalid', 'limit_exceeded', 'rate_limited', 'unavailable', 'timeout', 'internal',
] as const;
export type ProblemCode = (typeof PROBLEM_CODES)[number];

export interface FieldProblem {
  /** Dotted path of the field, e.g. `requiredCapabilities.0.name`. */
  readonly field: string;
  readonly messages: readonly string[];
}

export interface ProblemOptions {
  readonly fields?: readonly FieldProblem[];
  /** Seconds until a retry may succeed (sets Retry-After). */
  readonly retryAfterSeconds?: number;
  readonly details?: readonly string[];
}

/** A failed request, rendered as RFC 9457 application/problem+json by the problem filter. */
export class ApiProblem extends Error {
  constructor(readonly code: ProblemCode, readonly detail: string, readonly options: ProblemOptions = {}) {
    super(detail);
    this.name = 'ApiProblem';
  }
}
