import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { CommandAccepted, CommandRejected, type CommandRejectedData, type Envelope } from '@hive/contracts';
import { DomainError, type PostgresEventStore } from '@hive/event-store';
import type { BatchHandler, ConsumedMessage } from './checkpointed-consumer';
import { FatalMessageError } from './errors';

export interface CommandAcceptance {
  readonly aggregateId: string;
  readonly streamVersion: number;
}

/** Applies one command inside the consumer's transaction; throws DomainError to refuse it. */
export type CommandHandlerFn = (command: Envelope, tx: PoolClient) => Promise<CommandAcceptance>;

const resultEnvelope = <T>(command: Envelope, source: string, type: string, data: T): Envelope<string, T> => ({
  id: randomUUID(), type, version: 1, source, tenant: command.tenant, occurredAt: new Date().toISOString(),
  correlationId: command.correlationId, causationId: command.id, data,
});

/**
 * The consumer side of a service's command topic. Each command is handled in
 * the consumer's transaction, so its events, its checkpoint and its result
 * (command.accepted, or command.rejected with the reason) commit together: a
 * redelivered command is skipped, never applied twice.
 */
export class CommandProcessor implements BatchHandler {
  private readonly logger = new Logger(CommandProcessor.name);

  constructor(
    private readonly store: PostgresEventStore,
    private readonly source: string,
    private readonly handlers: Readonly<Record<string, CommandHandlerFn>>,
  ) {}

  async handle(messages: readonly ConsumedMessage[], tx: PoolClient): Promise<void> {
    for (const { envelope: command } of messages) {
      const handler = this.handlers[command.type];
      if (!handler) throw new FatalMessageError(`${this.source} has no handler for command "${command.type}"`);
      try {
        const accepted = await handler(command, tx);
        await this.store.enqueue(tx, [{
          topic: CommandAccepted.topic, key: command.id,
          envelope: resultEnvelope(command, this.source, CommandAccepted.type, { commandId: command.id, commandType: command.type, ...accepted }),
        }]);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        this.logger.log(`${command.type} ${command.id} rejected (${error.code}): ${error.message}`);
        const data: CommandRejectedData = {
          commandId: command.id, commandType: command.type, aggregateId: aggregateIdOf(command), code: error.code, reason: error.message,
          ...(error.details.length > 0 ? { details: [...error.details] } : {}),
        };
        await this.store.enqueue(tx, [{ topic: CommandRejected.topic, key: command.id, envelope: resultEnvelope(command, this.source, CommandRejected.type, data) }]);
      }
    }
  }
}

/** Best-effort aggregate id of a command for its rejection: the first *Id field of its data. */
function aggregateIdOf(command: Envelope): string {
  const data = command.data as Record<string, unknown>;
  const key = Object.keys(data).find((name) => name.endsWith('Id') && typeof data[name] === 'string');
  return key ? String(data[key]) : command.id;
}
