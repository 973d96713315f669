/** The stream was not at the expected version: somebody else appended first. Retriable after re-reading. */
export class ConcurrencyError extends Error {
  constructor(
    readonly streamId: string,
    readonly expectedVersion: ExpectedVersion,
    readonly actualVersion: number,
  ) {
    super(`stream ${streamId} is at version ${actualVersion}, expected ${expectedVersion}`);
    this.name = 'ConcurrencyError';
  }
}

/** A number (the version the stream must be at; 0 = must not exist) or 'any'. */
export type ExpectedVersion = number | 'any';
