import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { Topics } from '../../topics/topics';
import { IsEntityId } from '../../validation/is-entity-id.decorator';
import { IsTimestamp } from '../../validation/is-timestamp.decorator';

export const MAINTENANCE_PHASES = ['scheduled', 'started', 'completed', 'cancelled'] as const;
export type MaintenancePhase = (typeof MAINTENANCE_PHASES)[number];

export const MAINTENANCE_SCOPES = ['cluster', 'service', 'agent', 'mcp_server'] as const;
export type MaintenanceScope = (typeof MAINTENANCE_SCOPES)[number];

export class SystemMaintenanceData {
  @IsEntityId() maintenanceId!: string;

  @IsIn(MAINTENANCE_PHASES) phase!: MaintenancePhase;

  @IsIn(MAINTENANCE_SCOPES) scope!: MaintenanceScope;

  /** The service, agent or MCP server concerned; absent for the whole cluster. */
  @IsOptional() @IsString() @Length(1, 255) target?: string;

  @IsString() @Length(1, 2000) message!: string;

  @IsTimestamp() startsAt!: string;

  @IsOptional() @IsTimestamp() endsAt?: string;
}

export const SystemMaintenance = defineMessage({
  type: 'system.maintenance',
  version: 1,
  kind: 'event',
  topic: Topics.systemEvents.name,
  dataClass: SystemMaintenanceData,
  description: 'A maintenance window was scheduled, started, completed or cancelled (e.g. draining an agent).',
});
export type SystemMaintenance = MessageOf<typeof SystemMaintenance>;
