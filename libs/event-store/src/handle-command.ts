import type { Decider } from './decider';
import { fold } from './decider';
import { ConcurrencyError } from './concurrency.error';
import type { AppendOptions, AppendResult, NewEvent, PostgresEventStore, Queryable } from './event-store';

export interface HandleCommandOptions extends Omit<AppendOptions, 'expectedVersion'> {
  /** How many times to re-read and decide again after a concurrency conflict. Default 3. */
  readonly retries?: number;
}

export interface HandledCommand<TState> extends AppendResult {
  readonly state: TState;
}

/**
 * Reads a stream, folds it, decides and appends at the version read,
 * deciding again on a conflict a bounded number of times. A DomainError
 * from decide propagates unchanged and nothing is written.
 */
export async function handleCommand<TState, TCommand, TEvent extends NewEvent>(
  store: PostgresEventStore,
  db: Queryable,
  streamId: string,
  decider: Decider<TState, TCommand, TEvent>,
  command: TCommand,
  options: HandleCommandOptions,
): Promise<HandledCommand<TState>> {
  const retries = options.retries ?? 3;
  for (let attempt = 0; ; attempt++) {
    const read = await store.readStream(db, streamId);
    const state = fold(decider, read.events.map((recorded) => ({ type: recorded.envelope.type, data: recorded.envelope.data, version: recorded.envelope.version }) as unknown as TEvent));
    const events = decider.decide(command, state);
    if (events.length === 0) return { nextVersion: read.version, envelopes: [], state };
    try {
      const result = await store.appendToStream(db, streamId, events, { ...options, expectedVersion: read.version });
      return { ...result, state: events.reduce(decider.evolve, state) };
    } catch (error) {
      if (!(error instanceof ConcurrencyError) || attempt >= retries) throw error;
    }
  }
}
