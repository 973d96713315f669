import { randomUUID } from 'node:crypto';
import type { Consumer, Producer } from 'kafkajs';
import { hiveCatalogue, Topics, type Envelope } from '@hive/contracts';
import type { TestEnvironment } from '@hive/testing';

export type Reaction = (command: Envelope) => { events: Array<{ type: string; data: object; key: string }>; reject?: { code: string; reason: string } };

/**
 * Stands in for a service that is not under test here (the workflow engine,
 * the MCP bridge): reads its command topic, records the commands exactly as
 * the gateway sent them, and answers like a CommandProcessor would: the
 * events (caused by the command) and command.accepted, or command.rejected.
 */
export class FakeOwner {
  readonly commands: Envelope[] = [];
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;

  constructor(private readonly env: TestEnvironment, private readonly topic: string, private readonly source: string, private readonly react: Reaction) {}

  async start(): Promise<void> {
    this.producer = this.env.kafka.producer();
    await this.producer.connect();
    this.consumer = this.env.kafka.consumer({ groupId: `${this.env.topicPrefix}fake-${this.source}`, maxWaitTimeInMs: 50 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.env.topicPrefix + this.topic], fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ message }) => {
        const command = JSON.parse(message.value?.toString() ?? '{}') as Envelope;
        this.commands.push(command);
        const { events, reject } = this.react(command);
        const envelope = (type: string, data: object): Envelope => ({
          id: randomUUID(), type, version: 1, source: this.source, tenant: command.tenant, occurredAt: new Date().toISOString(),
          correlationId: command.correlationId, causationId: command.id, data,
        });
        const messages: Array<{ topic: string; key: string; value: string }> = [];
        for (const event of reject ? [] : events) {
          const e = envelope(event.type, event.data);
          hiveCatalogue.checkData(e.type, 1, e.data);
          messages.push({ topic: this.env.topicPrefix + (hiveCatalogue.find(event.type, 1)?.topic ?? ''), key: event.key, value: JSON.stringify(e) });
        }
        const aggregateId = events[0]?.key ?? command.id;
        const result = reject
          ? envelope('command.rejected', { commandId: command.id, commandType: command.type, aggregateId, ...reject })
          : envelope('command.accepted', { commandId: command.id, commandType: command.type, aggregateId, streamVersion: events.length });
        messages.push({ topic: this.env.topicPrefix + Topics.commandResults.name, key: command.id, value: JSON.stringify(result) });
        for (const m of messages) await this.producer?.send({ topic: m.topic, messages: [{ key: m.key, value: m.value }] });
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
  }
}
