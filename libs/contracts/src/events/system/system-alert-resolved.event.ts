import { IsIn, IsNumber, IsOptional, IsString, Length } from 'class-validator';
import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { Topics } from '../../topics/topics';
import { IsEntityId } from '../../validation/is-entity-id.decorator';
import { IsTimestamp } from '../../validation/is-timestamp.decorator';
import { ALERT_SEVERITIES, type AlertSeverity } from './alert-severity.data';

export class SystemAlertResolvedData {
  /** The alertId of the system.alert this resolves. */
  @IsEntityId() alertId!: string;

  @IsString() @Length(1, 128) rule!: string;

  @IsIn(ALERT_SEVERITIES) severity!: AlertSeverity;

  /** The observed value that no longer meets the condition. */
  @IsNumber() value!: number;

  @IsOptional() @IsString() @Length(1, 255) subject?: string;

  @IsString() @Length(1, 2000) message!: string;

  /** When the alert started firing. */
  @IsTimestamp() firedAt!: string;

  @IsIn(['resolved']) state!: 'resolved';
}

export const SystemAlertResolved = defineMessage({
  type: 'system.alert_resolved',
  version: 1,
  kind: 'event',
  topic: Topics.systemEvents.name,
  dataClass: SystemAlertResolvedData,
  description: "A firing alert's condition no longer holds.",
});
export type SystemAlertResolved = MessageOf<typeof SystemAlertResolved>;
