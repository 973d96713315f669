import type { PoolClient } from 'pg';
import type { Envelope } from '@hive/contracts';
import { DomainError, type OutboxMessage, type PostgresEventStore } from '@hive/event-store';
import { CommandProcessor } from './command-processor';
import type { ConsumedMessage } from './checkpointed-consumer';

const command = (type: string, id: string): ConsumedMessage => ({
  envelope: { id, type, version: 1, source: 'test', tenant: 'acme', occurredAt: new Date(0).toISOString(), correlationId: 'c', causationId: null, data: { taskId: `t-${id}` } },
} as unknown as ConsumedMessage);

describe('CommandProcessor outcomes', () => {
  const enqueued: OutboxMessage[][] = [];
  const store = { enqueue: async (_tx: unknown, messages: OutboxMessage[]) => void enqueued.push(messages) } as unknown as PostgresEventStore;
  const tx = {} as PoolClient;
  beforeEach(() => (enqueued.length = 0));

  it('publishes every outcome of a batch in one write, in order, a rejection with its code and reason', async () => {
    const processor = new CommandProcessor(store, 'svc', {
      Create: async (envelope: Envelope) => ({ aggregateId: (envelope.data as { taskId: string }).taskId, streamVersion: 1 }),
      Cancel: async () => { throw new DomainError('not_found', 'task "t-2" does not exist'); },
    });
    await processor.handle([command('Create', '1'), command('Cancel', '2')], tx);
    expect(enqueued).toHaveLength(1);
    expect(enqueued[0].map((m) => [m.envelope.type, m.key, m.envelope.causationId])).toEqual([['command.accepted', '1', '1'], ['command.rejected', '2', '2']]);
    expect(enqueued[0][1].envelope.data).toMatchObject({ commandId: '2', code: 'not_found', reason: 'task "t-2" does not exist' });
  });

  it('stays silent about accepted internal reports but still publishes their rejections', async () => {
    const processor = new CommandProcessor(store, 'svc', {}, async (commands) =>
      commands.map((c) => (c.id === '2' ? new DomainError('conflict', 'attempt 9 never existed') : { aggregateId: 'x', streamVersion: 1 })),
    new Set(['Report']));
    await processor.handle([command('Report', '1'), command('Report', '2'), command('Create', '3')], tx);
    expect(enqueued[0].map((m) => [m.envelope.type, m.key])).toEqual([['command.rejected', '2'], ['command.accepted', '3']]);
  });

  it('fails the batch on a command type it has no handler for', async () => {
    await expect(new CommandProcessor(store, 'svc', {}).handle([command('Unknown', '1')], tx)).rejects.toThrow('svc has no handler for command "Unknown"');
  });
});
