import { IsIn, IsNumber, IsOptional, IsString, Length } from 'class-validator';
import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { Topics } from '../../topics/topics';
import { IsEntityId } from '../../validation/is-entity-id.decorator';
import { ALERT_SEVERITIES, type AlertSeverity } from './alert-severity.data';

export class SystemAlertData {
  /** Id of this firing; system.alert_resolved repeats it. */
  @IsEntityId() alertId!: string;

  /** Rule name, e.g. `high_cpu`, `agent_down`, `slow_response`. */
  @IsString() @Length(1, 128) rule!: string;

  @IsIn(ALERT_SEVERITIES) severity!: AlertSeverity;

  /** The rule's condition, e.g. `cpu_usage > 85`. */
  @IsString() @Length(1, 1000) condition!: string;

  /** The observed value that met the condition. */
  @IsNumber() value!: number;

  /** What the alert is about, e.g. an agent id; absent for cluster-wide rules. */
  @IsOptional() @IsString() @Length(1, 255) subject?: string;

  @IsString() @Length(1, 2000) message!: string;

  @IsIn(['firing']) state!: 'firing';
}

export const SystemAlert = defineMessage({
  type: 'system.alert',
  version: 1,
  kind: 'event',
  topic: Topics.systemEvents.name,
  dataClass: SystemAlertData,
  description: 'An alert rule started firing (not repeated within the rule cooldown).',
});
export type SystemAlert = MessageOf<typeof SystemAlert>;
