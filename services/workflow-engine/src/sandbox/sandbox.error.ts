/** User code (an expression or a Code node) failed, was stopped by a limit, or tried to reach the host. */
export class SandboxError extends Error {
  constructor(message: string, readonly reason: 'error' | 'timeout' | 'memory' = 'error') {
    super(message);
    this.name = 'SandboxError';
  }
}
