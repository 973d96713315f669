import { IsInt, IsNumber, IsOptional, IsString, Length, Matches, Min } from 'class-validator';
import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { AGENT_ID_PATTERN } from '../agent/agent-profile.data';
import { Topics } from '../../topics/topics';
import { IsEntityId } from '../../validation/is-entity-id.decorator';
import { IsJsonObject } from '../../validation/is-json-object.decorator';
import type { JsonObject } from '../../validation/json-object';

export class TaskCompletedData {
  @IsEntityId() taskId!: string;

  @Matches(AGENT_ID_PATTERN, { message: 'agentId must be 1-63 lower-case letters, digits, "-" or "_"' })
  agentId!: string;

  @IsInt() @Min(1) attempt!: number;

  @IsString() @Length(1, 255) model!: string;

  /** The model's text output. */
  @IsString() @Length(0, 1000000) result!: string;

  /** The output parsed as JSON, when the task asked for JSON (`payload.format = "json"`). */
  @IsOptional() @IsJsonObject() resultJson?: JsonObject;

  @IsInt() @Min(0) promptTokens!: number;

  @IsInt() @Min(0) completionTokens!: number;

  @IsNumber() @Min(0) tokensPerSecond!: number;

  /** Time from sending the request to the last token. */
  @IsNumber() @Min(0) responseTimeMs!: number;
}

export const TaskCompleted = defineMessage({
  type: 'task.completed',
  version: 1,
  kind: 'event',
  topic: Topics.taskEvents.name,
  dataClass: TaskCompletedData,
  description: 'A task finished with a result (terminal).',
});
export type TaskCompleted = MessageOf<typeof TaskCompleted>;
