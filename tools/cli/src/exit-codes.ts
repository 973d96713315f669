/**
 * The exit codes scripts can rely on (README "CLI"):
 * 0 ok; 1 the gateway refused or the task/execution ended failed or cancelled;
 * 2 usage: unknown command or flag, bad value, unreadable file, invalid JSON;
 * 3 not authenticated or not permitted (401/403, no token);
 * 4 the gateway could not be reached or did not answer in time (504);
 * 5 the gateway does not offer the operation.
 */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  auth: 3,
  unavailable: 4,
  unsupported: 5,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An error that ends the program with a message and a specific exit code. */
export class CliError extends Error {
  constructor(message: string, readonly code: ExitCodeValue, readonly details?: unknown) {
    super(message);
  }
}

export const usageError = (message: string): CliError => new CliError(message, ExitCode.usage);
