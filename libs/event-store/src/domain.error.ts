import type { CommandRejectionCode } from '@hive/contracts';

/** A business rule refused a command. Not retriable: the same command against the same state is refused again. */
export class DomainError extends Error {
  constructor(
    readonly code: CommandRejectionCode,
    message: string,
    readonly details: readonly string[] = [],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
