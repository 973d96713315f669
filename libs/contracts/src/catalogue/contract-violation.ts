/** Why a message on a topic could not be accepted. Never retriable: the bytes will not change. */
export type ContractViolationCode = 'malformed_json' | 'invalid_envelope' | 'unknown_type' | 'unknown_version' | 'invalid_data';

export class ContractViolation extends Error {
  constructor(
    readonly code: ContractViolationCode,
    message: string,
    readonly details: readonly string[] = [],
  ) {
    super(details.length > 0 ? `${message}: ${details.join('; ')}` : message);
    this.name = 'ContractViolation';
  }
}
