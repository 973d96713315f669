import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsString, Length, Matches, ValidateNested } from 'class-validator';
import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { Topics } from '../../topics/topics';
import { AGENT_ID_PATTERN, CapabilityData } from './agent-profile.data';

export class AgentCapabilitiesDetectedData {
  @Matches(AGENT_ID_PATTERN, { message: 'agentId must be 1-63 lower-case letters, digits, "-" or "_"' })
  agentId!: string;

  /** Models the endpoint reported (Ollama `/api/tags`, OpenAI `/v1/models`). */
  @IsArray() @ArrayMaxSize(512) @IsString({ each: true }) @Length(1, 255, { each: true })
  models!: string[];

  /** Capabilities inferred from those models alone. */
  @IsArray()
  @ArrayMaxSize(64)
  @ValidateNested({ each: true })
  @Type(() => CapabilityData)
  detected!: CapabilityData[];

  /** The agent's capabilities from now on: the declared ones, plus detected ones not declared. */
  @IsArray()
  @ArrayMaxSize(128)
  @ValidateNested({ each: true })
  @Type(() => CapabilityData)
  capabilities!: CapabilityData[];
}

export const AgentCapabilitiesDetected = defineMessage({
  type: 'agent.capabilities_detected',
  version: 1,
  kind: 'event',
  topic: Topics.agentEvents.name,
  dataClass: AgentCapabilitiesDetectedData,
  description: "Capabilities were detected from the models an agent's endpoint reports and merged with the declared ones.",
});
export type AgentCapabilitiesDetected = MessageOf<typeof AgentCapabilitiesDetected>;
