import { IsInt, IsOptional, IsString, Length, Min } from 'class-validator';
import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { Topics } from '../../topics/topics';
import { IsEntityId } from '../../validation/is-entity-id.decorator';

export class WorkflowNodeStartedData {
  @IsEntityId() executionId!: string;

  @IsEntityId() workflowId!: string;

  /** n8n node name (unique within a workflow). */
  @IsString() @Length(1, 255) nodeName!: string;

  /** n8n node type, e.g. `n8n-nodes-base.httpRequest`. */
  @IsString() @Length(1, 255) nodeType!: string;

  /** How many times this node ran before in this execution (loops). */
  @IsInt() @Min(0) runIndex!: number;

  /** The Hive task the node delegated to, for LLM nodes. */
  @IsOptional() @IsEntityId() taskId?: string;

  /** The MCP tool call the node delegated to, for MCP nodes. */
  @IsOptional() @IsEntityId() callId?: string;
}

export const WorkflowNodeStarted = defineMessage({
  type: 'workflow.node_started',
  version: 1,
  kind: 'event',
  topic: Topics.executionEvents.name,
  dataClass: WorkflowNodeStartedData,
  description: 'A node of an execution started running.',
});
export type WorkflowNodeStarted = MessageOf<typeof WorkflowNodeStarted>;
