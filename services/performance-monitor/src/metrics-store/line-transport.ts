/** Sends a batch of line-protocol lines to the metrics store; rejects when the store did not take them. */
export interface LineTransport {
  send(lines: readonly string[]): Promise<void>;
  close(): Promise<void>;
}
