import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiProblem, type ProblemCode } from './api-problem.exception';

const STATUS: Readonly<Record<ProblemCode, number>> = {
  validation_failed: 400, malformed_json: 400, payload_too_large: 413, unsupported_media_type: 415,
  unauthenticated: 401, forbidden: 403, not_found: 404, method_not_allowed: 405, conflict: 409, already_exists: 409,
  idempotency_key_reused: 422, rejected_invalid: 422, limit_exceeded: 429, rate_limited: 429,
  unavailable: 503, timeout: 504, internal: 500,
};

const TITLE: Readonly<Record<ProblemCode, string>> = {
  validation_failed: 'The request is invalid', malformed_json: 'The body is not valid JSON', payload_too_large: 'The body is too large',
  unsupported_media_type: 'Unsupported content type', unauthenticated: 'Authentication required', forbidden: 'Not allowed',
  not_found: 'Not found', method_not_allowed: 'Method not allowed', conflict: 'Conflict with the current state', already_exists: 'Already exists',
  idempotency_key_reused: 'Idempotency-Key reused with a different request', rejected_invalid: 'The command was refused',
  limit_exceeded: 'A limit was reached', rate_limited: 'Too many requests', unavailable: 'Temporarily unavailable',
  timeout: 'No outcome in time', internal: 'Internal error',
};

/** Fastify's own errors (body parsing, size) by their code. */
const FASTIFY_CODES: Readonly<Record<string, ProblemCode>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed_json', FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed_json', FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type', FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'validation_failed',
};

const fromHttpStatus = (status: number): ProblemCode => {
  switch (status) {
    case 400: return 'validation_failed';
    case 401: return 'unauthenticated';
    case 403: return 'forbidden';
    case 404: return 'not_found';
    case 405: return 'method_not_allowed';
    case 409: return 'conflict';
    case 413: return 'payload_too_large';
    case 415: return 'unsupported_media_type';
    case 429: return 'rate_limited';
    case 503: return 'unavailable';
    case 504: return 'timeout';
    default: return status >= 500 ? 'internal' : 'validation_failed';
  }
};

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: ProblemCode;
  errors?: ReadonlyArray<{ field: string; messages: readonly string[] }>;
  details?: readonly string[];
}

/** Turns any error into RFC 9457 problem details; the only place errors become HTTP responses. */
export function toProblem(error: unknown, instance: string): { body: ProblemBody; retryAfter?: number } {
  let code: ProblemCode = 'internal';
  let detail = 'An unexpected error occurred.';
  let problem: ApiProblem | undefined;
  const fastifyCode = (error as { code?: unknown }).code;
  if (error instanceof ApiProblem) {
    problem = error;
    code = error.code;
    detail = error.detail;
  } else if (typeof fastifyCode === 'string' && FASTIFY_CODES[fastifyCode]) {
    code = FASTIFY_CODES[fastifyCode];
    detail = (error as Error).message;
  } else if (error instanceof HttpException) {
    code = fromHttpStatus(error.getStatus());
    // Fastify's JSON parser failure reaches us as a plain 400.
    if (code === 'validation_failed' && /not valid JSON|Unexpected token|JSON at position|Unexpected end of JSON/i.test(error.message)) code = 'malformed_json';
    detail = code === 'not_found' ? 'No such resource.' : error.message;
  } else if (typeof (error as { statusCode?: unknown }).statusCode === 'number' && (error as { statusCode: number }).statusCode < 500) {
    code = fromHttpStatus((error as { statusCode: number }).statusCode);
    detail = (error as Error).message;
  }
  const body: ProblemBody = {
    type: `https://hive.dev/problems/${code.replace(/_/g, '-')}`, title: TITLE[code], status: STATUS[code], detail, instance, code,
    ...(problem?.options.fields ? { errors: problem.options.fields } : {}),
    ...(problem?.options.details ? { details: problem.options.details } : {}),
  };
  return { body, retryAfter: problem?.options.retryAfterSeconds };
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemFilter.name);

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const { body, retryAfter } = toProblem(error, request.url.split('?')[0]);
    if (body.status >= 500 && body.code === 'internal') this.logger.error(`${request.method} ${request.url}: ${(error as Error)?.stack ?? String(error)}`);
    if (retryAfter !== undefined) void reply.header('retry-after', String(Math.max(1, Math.ceil(retryAfter))));
    void reply.status(body.status).header('content-type', 'application/problem+json').send(body);
  }
}
