import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { CommandAccepted, CommandRejected, type CommandRejectedData, type Envelope } from '@hive/contracts';
import { DomainError, type OutboxMessage, type PostgresEventStore } from '@hive/event-store';
import type { BatchHandler, ConsumedMessage } from './checkpointed-consumer';
import { FatalMessageError } from './errors';

export interface CommandAcceptance {
  readonly aggregateId: string;
  readonly streamVersion: number;
}

/** Applies one command inside the consumer's transaction; throws DomainError to refuse it. */
export type CommandHandlerFn = (command: Envelope, tx: PoolClient) => Promise<CommandAcceptance>;

/**
 * Applies a whole batch of commands inside the consumer's transaction, for services that can decide
 * many commands with a few round trips: one outcome per command, in order, a DomainError for each
 * refused one. Throwing fails the batch (the consumer then applies it message by message).
 */
export type BatchCommandHandlerFn = (commands: readonly Envelope[], tx: PoolClient) => Promise<Array<CommandAcceptance | DomainError>>;

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
    private readonly batch?: BatchCommandHandlerFn,
    /**
     * Command types whose acceptance nobody waits for (a service's internal reports): only their
     * rejections are published. Every other command gets command.accepted or command.rejected.
     */
    private readonly silentWhenAccepted: ReadonlySet<string> = new Set(),
  ) {}

  async handle(messages: readonly ConsumedMessage[], tx: PoolClient): Promise<void> {
    const commands = messages.map((message) => message.envelope);
    const outcomes = this.batch ? await this.batch(commands, tx) : await this.oneByOne(commands, tx);
    // Every outcome of the batch in one round trip.
    const results = commands.flatMap((command, index) => {
      const outcome = outcomes[index];
      return outcome !== undefined && !(outcome instanceof DomainError) && this.silentWhenAccepted.has(command.type) ? [] : [this.result(command, outcome)];
    });
    await this.store.enqueue(tx, results);
  }

  private async oneByOne(commands: readonly Envelope[], tx: PoolClient): Promise<Array<CommandAcceptance | DomainError>> {
    const outcomes: Array<CommandAcceptance | DomainError> = [];
    for (const command of commands) {
      const handler = this.handlers[command.type];
      if (!handler) throw new FatalMessageError(`${this.source} has no handler for command "${command.type}"`);
      try {
        outcomes.push(await handler(command, tx));
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        outcomes.push(error);
      }
    }
    return outcomes;
  }

  private result(command: Envelope, outcome: CommandAcceptance | DomainError | undefined): OutboxMessage {
    if (outcome === undefined) throw new Error(`no outcome for command ${command.type} ${command.id}`);
    if (!(outcome instanceof DomainError)) {
      return {
        topic: CommandAccepted.topic, key: command.id,
        envelope: resultEnvelope(command, this.source, CommandAccepted.type, { commandId: command.id, commandType: command.type, ...outcome }),
      };
    }
    this.logger.log(`${command.type} ${command.id} rejected (${outcome.code}): ${outcome.message}`);
    const data: CommandRejectedData = {
      commandId: command.id, commandType: command.type, aggregateId: aggregateIdOf(command), code: outcome.code, reason: outcome.message,
      ...(outcome.details.length > 0 ? { details: [...outcome.details] } : {}),
    };
    return { topic: CommandRejected.topic, key: command.id, envelope: resultEnvelope(command, this.source, CommandRejected.type, data) };
  }
}

/** Best-effort aggregate id of a command for its rejection: the first *Id field of its data. */
function aggregateIdOf(command: Envelope): string {
  const data = command.data as Record<string, unknown>;
  const key = Object.keys(data).find((name) => name.endsWith('Id') && typeof data[name] === 'string');
  return key ? String(data[key]) : command.id;
}
