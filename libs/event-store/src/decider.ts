/**
 * A pure aggregate: decide turns a command and the current state into events
 * (or throws a DomainError), evolve folds one event into the state. Time and
 * ids come in with the command, never from inside.
 */
export interface Decider<TState, TCommand, TEvent> {
  readonly initialState: () => TState;
  readonly evolve: (state: TState, event: TEvent) => TState;
  readonly decide: (command: TCommand, state: TState) => readonly TEvent[];
}

export function fold<TState, TEvent>(decider: Pick<Decider<TState, never, TEvent>, 'initialState' | 'evolve'>, events: readonly TEvent[]): TState {
  return events.reduce(decider.evolve, decider.initialState());
}
