import { Matches } from 'class-validator';
import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { AGENT_ID_PATTERN } from '../../events/agent/agent-profile.data';
import { Topics } from '../../topics/topics';
import { IsEntityId } from '../../validation/is-entity-id.decorator';

export class AssignTaskData {
  @IsEntityId() taskId!: string;

  @Matches(AGENT_ID_PATTERN, { message: 'agentId must be 1-63 lower-case letters, digits, "-" or "_"' })
  agentId!: string;
}

export const AssignTask = defineMessage({
  type: 'AssignTask',
  version: 1,
  kind: 'command',
  topic: Topics.coordinatorCommands.name,
  dataClass: AssignTaskData,
  description: 'Assign a ready task to a chosen agent by hand (PUT /api/tasks/{id}/assign), bypassing the scheduler.',
});
export type AssignTask = MessageOf<typeof AssignTask>;
