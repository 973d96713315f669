import { IsIn, IsInt, IsOptional, IsString, Length, Min } from 'class-validator';
import { defineMessage, type MessageOf } from '../catalogue/message-definition';
import { Topics } from '../topics/topics';

export class CommandAcceptedData {
  @IsString() @Length(1, 128) commandId!: string;
  @IsString() @Length(1, 128) commandType!: string;
  @IsString() @Length(1, 256) aggregateId!: string;
  /** Stream version after the command's events were appended. */
  @IsInt() @Min(0) streamVersion!: number;
}

export const COMMAND_REJECTION_CODES = ['not_found', 'already_exists', 'invalid', 'conflict', 'forbidden', 'limit_exceeded', 'unavailable'] as const;
export type CommandRejectionCode = (typeof COMMAND_REJECTION_CODES)[number];

export class CommandRejectedData {
  @IsString() @Length(1, 128) commandId!: string;
  @IsString() @Length(1, 128) commandType!: string;
  @IsString() @Length(1, 256) aggregateId!: string;
  @IsIn(COMMAND_REJECTION_CODES) code!: CommandRejectionCode;
  @IsString() @Length(1, 2000) reason!: string;
  @IsOptional() @IsString({ each: true }) details?: string[];
}

export const CommandAccepted = defineMessage({
  type: 'command.accepted',
  version: 1,
  kind: 'result',
  topic: Topics.commandResults.name,
  dataClass: CommandAcceptedData,
  description: 'A command was applied; its events are committed at streamVersion.',
});
export type CommandAccepted = MessageOf<typeof CommandAccepted>;

export const CommandRejected = defineMessage({
  type: 'command.rejected',
  version: 1,
  kind: 'result',
  topic: Topics.commandResults.name,
  dataClass: CommandRejectedData,
  description: 'A command was refused by its owning service; nothing was written.',
});
export type CommandRejected = MessageOf<typeof CommandRejected>;
