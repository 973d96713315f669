import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import { hiveCatalogue, HiveHeaders, Topics, type CommandRejectionCode, type Envelope, type MessageDefinition } from '@hive/contracts';

export type CommandOutcome =
  | { readonly accepted: true; readonly commandId: string; readonly aggregateId: string }
  | { readonly accepted: false; readonly commandId: string; readonly code: CommandRejectionCode; readonly reason: string; readonly details?: readonly string[] };

/** The command was not sent, or its outcome did not arrive in time. */
export class CommandError extends Error {
  constructor(message: string, readonly kind: 'invalid' | 'unavailable' | 'timeout') {
    super(message);
    this.name = 'CommandError';
  }
}

export interface HiveCommandsOptions {
  readonly kafka: Kafka;
  readonly topicPrefix: string;
  readonly timeoutMs: number;
  /** Unique per instance: every instance must see the results of the commands it sent. */
  readonly instanceId: string;
}

/**
 * Sends commands to the services that own them and waits for their outcome
 * on hive.command.results (command.accepted or command.rejected). Each bridge
 * instance reads every result in its own consumer group, from the latest
 * offset, and settles the commands it is waiting for.
 */
export class HiveCommands {
  private readonly logger = new Logger(HiveCommands.name);
  private readonly waiting = new Map<string, (outcome: CommandOutcome) => void>();
  private producer: Producer | undefined;
  private consumer: Consumer | undefined;

  constructor(private readonly options: HiveCommandsOptions) {}

  async start(): Promise<void> {
    const { kafka, topicPrefix, instanceId } = this.options;
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 5 });
    await this.producer.connect();
    const consumer = kafka.consumer({ groupId: `${topicPrefix}mcp-bridge.results.${instanceId}`, sessionTimeout: 10_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 50 });
    this.consumer = consumer;
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.connect();
    await consumer.subscribe({ topic: topicPrefix + Topics.commandResults.name, fromBeginning: false });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) this.onResult(message.value);
      },
    });
    await joined;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
  }

  /** Validates, sends and waits. Throws CommandError when it cannot say whether the command was applied. */
  async execute<TData extends object>(definition: MessageDefinition<string, TData>, tenant: string, key: string, data: TData, causedBy: string): Promise<CommandOutcome> {
    try {
      hiveCatalogue.checkData(definition.type, definition.version, data);
    } catch (error) {
      throw new CommandError((error as Error).message, 'invalid');
    }
    const commandId = randomUUID();
    const envelope: Envelope = {
      id: commandId, type: definition.type, version: definition.version, source: 'mcp-bridge', tenant,
      occurredAt: new Date().toISOString(), correlationId: `${causedBy}|${commandId}`.slice(0, 128), causationId: null, data,
    };
    const outcome = new Promise<CommandOutcome | undefined>((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(commandId);
        resolve(undefined);
      }, this.options.timeoutMs);
      this.waiting.set(commandId, (o) => {
        clearTimeout(timer);
        this.waiting.delete(commandId);
        resolve(o);
      });
    });
    try {
      if (!this.producer) throw new Error('not started');
      await this.producer.send({ topic: this.options.topicPrefix + definition.topic, acks: -1, messages: [{ key, value: JSON.stringify(envelope), headers: { [HiveHeaders.messageType]: definition.type, [HiveHeaders.messageVersion]: String(definition.version), [HiveHeaders.contentType]: 'application/json' } }] });
    } catch (error) {
      this.waiting.get(commandId)?.({ accepted: false, commandId, code: 'unavailable', reason: 'unsent' });
      throw new CommandError(`${definition.type} could not be sent (${(error as Error).message}); nothing was done, retry later`, 'unavailable');
    }
    const result = await outcome;
    if (!result) throw new CommandError(`no outcome for ${definition.type} within ${this.options.timeoutMs} ms; it may still be applied, check before retrying`, 'timeout');
    return result;
  }

  private onResult(value: Buffer | null): void {
    if (!value || this.waiting.size === 0) return;
    let envelope: Envelope;
    try {
      envelope = JSON.parse(value.toString()) as Envelope;
    } catch {
      return;
    }
    const d = envelope.data as Record<string, unknown> | undefined;
    const commandId = typeof d?.['commandId'] === 'string' ? d['commandId'] : undefined;
    const settle = commandId ? this.waiting.get(commandId) : undefined;
    if (!settle || !commandId || !d) return;
    if (envelope.type === 'command.accepted') settle({ accepted: true, commandId, aggregateId: String(d['aggregateId']) });
    else if (envelope.type === 'command.rejected') {
      settle({
        accepted: false, commandId, code: d['code'] as CommandRejectionCode, reason: String(d['reason']),
        ...(Array.isArray(d['details']) ? { details: d['details'] as string[] } : {}),
      });
    } else this.logger.debug(`ignored ${envelope.type}`);
  }
}
