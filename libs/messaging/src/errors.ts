import { ContractViolation } from '@hive/contracts';

/** A handler error that retrying cannot fix: the message goes to the dead-letter topic at once. */
export class FatalMessageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FatalMessageError';
  }
}

/** The consumer was superseded (e.g. a newer generation of its projection took over): it must stop, not retry or dead-letter. */
export class StaleConsumerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StaleConsumerError';
  }
}

// Connection (08), resources (53), shutdown (57P0), system (58), and serialization failure or deadlock (40001, 40P01):
// a deadlock between two instances' transactions is nobody's message's fault and succeeds when tried again.
const INFRA_PG_CODE = /^(08|53|57P0|58|40001$|40P01$)/;
const INFRA_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH']);

/**
 * Infrastructure failures (database or broker unreachable, a transaction
 * chosen as a deadlock victim) are not the message's fault: the consumer waits and tries again for as long as it
 * takes, and never dead-letters because of them.
 */
export function isInfrastructureError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (INFRA_PG_CODE.test(code) || INFRA_NODE_CODES.has(code))) return true;
  if (/Connection terminated|connection timeout|Client has encountered a connection error|KafkaJSConnectionError|KafkaJSNumberOfRetriesExceeded/i.test(`${error.name} ${error.message}`)) return true;
  return false;
}

export type ErrorKind = 'contract' | 'fatal' | 'retries_exhausted';

export function errorKind(error: unknown): Exclude<ErrorKind, 'retries_exhausted'> | 'retriable' {
  if (error instanceof ContractViolation) return 'contract';
  if (error instanceof FatalMessageError) return 'fatal';
  return 'retriable';
}
