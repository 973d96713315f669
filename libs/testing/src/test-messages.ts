import { IsInt, IsOptional, IsString, Length, Min } from 'class-validator';
import { defineMessage, MessageCatalogue, Topics } from '@hive/contracts';

/** A minimal event for tests of the eventing backbone itself (not part of Hive's catalogue). */
export class CounterIncrementedData {
  @IsString() @Length(1, 200) counterId!: string;
  @IsInt() @Min(1) by!: number;
  /** Tests make the handler fail on purpose with this marker. */
  @IsOptional() @IsString() poison?: string;
}

export const CounterIncremented = defineMessage({
  type: 'test.counter_incremented',
  version: 1,
  kind: 'event',
  topic: Topics.systemEvents.name,
  dataClass: CounterIncrementedData,
  description: 'Test-only event.',
});

export const testCatalogue = new MessageCatalogue([CounterIncremented]);
