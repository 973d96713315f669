import type { PoolClient } from 'pg';
import { CallMcpTool, type CallMcpToolData, type Envelope } from '@hive/contracts';
import type { BatchHandler, CommandProcessor, ConsumedMessage } from '@hive/messaging';
import type { ToolCallLedger } from './tool-call-ledger';

/**
 * The bridge's command topic: CallMcpTool goes to the idempotency ledger
 * (answered by mcp.tool_call_* events), every other command to the command
 * processor (answered on hive.command.results). Both write in the consumer's
 * transaction, with its checkpoint.
 */
export class BridgeCommandsHandler implements BatchHandler {
  constructor(private readonly processor: CommandProcessor, private readonly ledger: ToolCallLedger) {}

  async handle(messages: readonly ConsumedMessage[], tx: PoolClient): Promise<void> {
    const calls = messages.filter((m) => m.envelope.type === CallMcpTool.type).map((m) => m.envelope as Envelope<string, CallMcpToolData>);
    const others = messages.filter((m) => m.envelope.type !== CallMcpTool.type);
    if (others.length > 0) await this.processor.handle(others, tx);
    await this.ledger.handle(calls, tx);
  }
}
