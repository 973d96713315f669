/** n8n JSON that Hive cannot run; `problems` lists every reason, one line each. */
export class WorkflowImportError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`workflow cannot be imported: ${problems.join('; ')}`);
    this.name = 'WorkflowImportError';
  }
}
