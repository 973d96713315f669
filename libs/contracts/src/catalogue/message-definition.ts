import type { Envelope } from '../envelope/envelope';

export type MessageKind = 'event' | 'command' | 'result';

/** A class-validator decorated class describing a message's `data`. */
export type DataClass<TData> = new () => TData;

/** One (type, version) of a message: where it travels and what its data must look like. */
export interface MessageDefinition<TType extends string = string, TData extends object = object> {
  readonly type: TType;
  readonly version: number;
  readonly kind: MessageKind;
  /** Logical topic name (see Topics). */
  readonly topic: string;
  readonly dataClass: DataClass<TData>;
  readonly description: string;
}

export function defineMessage<TType extends string, TData extends object>(
  definition: MessageDefinition<TType, TData>,
): MessageDefinition<TType, TData> {
  return Object.freeze(definition);
}

/** The envelope type of a definition, for typed handlers. */
export type MessageOf<D> = D extends MessageDefinition<infer T, infer P> ? Envelope<T, Readonly<P>> : never;
