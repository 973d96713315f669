import { IsIn, IsString, Length, Matches } from 'class-validator';

/** A webhook trigger of an active workflow version: what the gateway serves under /webhook/{path}. */
export class WorkflowWebhookData {
  /** Path after /webhook/, without a leading slash (n8n's `path` parameter). */
  @IsString() @Length(1, 500) @Matches(/^[^/]/) path!: string;

  @IsIn(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']) httpMethod!: string;

  /** onReceived: answer at once; lastNode: answer with the execution's output; responseNode: answer from a Respond to Webhook node. */
  @IsIn(['onReceived', 'lastNode', 'responseNode']) responseMode!: string;

  /** The webhook node's name: pass it as StartExecution.triggerNode. */
  @IsString() @Length(1, 255) nodeName!: string;
}
