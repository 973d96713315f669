import type {
  AgentBenchmarkedData, AgentCapabilitiesDetectedData, AgentDeregisteredData, AgentRegisteredData, AgentStatus, AgentStatusChangedData,
  AgentUpdatedData, CapabilityData, RegisterAgentData, UpdateAgentData,
} from '@hive/contracts';
import { DomainError, type Decider } from '@hive/event-store';

export type AgentState =
  | { readonly status: 'unregistered' }
  | { readonly status: 'registered'; readonly profile: AgentRegisteredData; readonly health: AgentStatus; readonly models: readonly string[] }
  | { readonly status: 'deregistered'; readonly profile: AgentRegisteredData };

/** What a probe of the endpoint found, taken before deciding (the decider does no I/O). */
export interface EndpointProbe {
  readonly reachable: boolean;
  readonly models: readonly string[];
  readonly detected: readonly CapabilityData[];
  readonly error?: string;
}

export type AgentCommand =
  | { readonly type: 'RegisterAgent'; readonly data: RegisterAgentData; readonly probe: EndpointProbe }
  | { readonly type: 'UpdateAgent'; readonly data: UpdateAgentData }
  | { readonly type: 'DeregisterAgent'; readonly data: { readonly agentId: string; readonly reason?: string } }
  /** The health monitor's verdict after hysteresis; only a change of status becomes an event. */
  | { readonly type: 'RecordHealth'; readonly data: { readonly agentId: string; readonly status: AgentStatus; readonly reason: string } }
  | { readonly type: 'RecordCapabilities'; readonly data: { readonly agentId: string; readonly probe: EndpointProbe } }
  | { readonly type: 'RecordBenchmark'; readonly data: AgentBenchmarkedData };

export type AgentEvent =
  | { readonly type: 'agent.registered'; readonly data: AgentRegisteredData }
  | { readonly type: 'agent.updated'; readonly data: AgentUpdatedData }
  | { readonly type: 'agent.deregistered'; readonly data: AgentDeregisteredData }
  | { readonly type: 'agent.status_changed'; readonly data: AgentStatusChangedData }
  | { readonly type: 'agent.capabilities_detected'; readonly data: AgentCapabilitiesDetectedData }
  | { readonly type: 'agent.benchmarked'; readonly data: AgentBenchmarkedData };

type Command<T extends AgentCommand['type']> = Extract<AgentCommand, { type: T }>;
type Registered = Extract<AgentState, { status: 'registered' }>;

/** Ollama's rule: a model name without a tag means its `latest` tag. */
export const sameModel = (a: string, b: string): boolean => withTag(a) === withTag(b);
const withTag = (name: string): string => (name.includes(':') ? name : `${name}:latest`);

/** Declared capabilities win; detected ones the declaration does not name are added. */
export function mergeDeclared(declared: readonly CapabilityData[], detected: readonly CapabilityData[]): CapabilityData[] {
  const names = new Set(declared.map((capability) => capability.name));
  return [...declared, ...detected.filter((capability) => !names.has(capability.name))];
}

function requireRegistered(state: AgentState, agentId: string): Registered {
  if (state.status === 'unregistered') throw new DomainError('not_found', `agent "${agentId}" is not registered`);
  if (state.status === 'deregistered') throw new DomainError('not_found', `agent "${agentId}" was deregistered`);
  return state;
}

function duplicateCapability(capabilities: readonly CapabilityData[]): string | undefined {
  const names = capabilities.map((capability) => capability.name);
  return names.find((name, index) => names.indexOf(name) !== index);
}

function capabilitiesEvent(agentId: string, declared: readonly CapabilityData[], probe: EndpointProbe): AgentEvent {
  return {
    type: 'agent.capabilities_detected',
    data: { agentId, models: [...probe.models], detected: [...probe.detected], capabilities: mergeDeclared(declared, probe.detected) },
  };
}

function registerAgent(command: Command<'RegisterAgent'>, state: AgentState): AgentEvent[] {
  const { data, probe } = command;
  if (state.status === 'registered') throw new DomainError('already_exists', `agent "${data.agentId}" is already registered`);
  const duplicate = duplicateCapability(data.capabilities);
  if (duplicate) throw new DomainError('invalid', `capability "${duplicate}" is declared twice`);
  if (!probe.reachable) {
    throw new DomainError('unavailable', `agent "${data.agentId}": endpoint ${data.endpoint} is unreachable${probe.error ? ` (${probe.error})` : ''}`);
  }
  if (probe.models.length > 0 && !probe.models.some((model) => sameModel(model, data.model))) {
    throw new DomainError('invalid', `agent "${data.agentId}": endpoint ${data.endpoint} does not serve model "${data.model}" (it serves ${probe.models.map((m) => `"${m}"`).join(', ')})`);
  }
  return [
    { type: 'agent.registered', data: { ...data } },
    capabilitiesEvent(data.agentId, data.capabilities, probe),
    { type: 'agent.status_changed', data: { agentId: data.agentId, from: 'offline', to: 'online', reason: 'registered; endpoint answered' } },
  ];
}

function updateAgent(command: Command<'UpdateAgent'>, state: AgentState): AgentEvent[] {
  const agent = requireRegistered(state, command.data.agentId);
  const { agentId, ...changes } = command.data;
  const changed = Object.fromEntries(
    Object.entries(changes).filter(([key, value]) => value !== undefined && JSON.stringify(value) !== JSON.stringify((agent.profile as unknown as Record<string, unknown>)[key])),
  );
  if (Object.keys(changed).length === 0) return [];
  if (command.data.capabilities) {
    const duplicate = duplicateCapability(command.data.capabilities);
    if (duplicate) throw new DomainError('invalid', `capability "${duplicate}" is declared twice`);
  }
  return [{ type: 'agent.updated', data: { agentId, ...changed } as AgentUpdatedData }];
}

function recordHealth(command: Command<'RecordHealth'>, state: AgentState): AgentEvent[] {
  if (state.status !== 'registered') return [];
  const { agentId, status, reason } = command.data;
  if (state.health === status) return [];
  return [{ type: 'agent.status_changed', data: { agentId, from: state.health, to: status, reason } }];
}

function recordCapabilities(command: Command<'RecordCapabilities'>, state: AgentState): AgentEvent[] {
  if (state.status !== 'registered') return [];
  const { agentId, probe } = command.data;
  if (!probe.reachable) return [];
  if (JSON.stringify([...probe.models].sort()) === JSON.stringify([...state.models].sort())) return [];
  return [capabilitiesEvent(agentId, state.profile.capabilities, probe)];
}

/** The Agent aggregate: registration, profile, health status, detected capabilities, benchmarks. */
export const agentDecider: Decider<AgentState, AgentCommand, AgentEvent> = {
  initialState: () => ({ status: 'unregistered' }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'agent.registered':
        return { status: 'registered', profile: event.data, health: 'offline', models: [] };
      case 'agent.updated':
        return state.status === 'registered' ? { ...state, profile: { ...state.profile, ...stripId(event.data) } } : state;
      case 'agent.deregistered':
        return state.status === 'registered' ? { status: 'deregistered', profile: state.profile } : state;
      case 'agent.status_changed':
        return state.status === 'registered' ? { ...state, health: event.data.to } : state;
      case 'agent.capabilities_detected':
        return state.status === 'registered' ? { ...state, models: event.data.models } : state;
      case 'agent.benchmarked':
        return state;
      default: {
        const exhaustive: never = event;
        return exhaustive;
      }
    }
  },
  decide: (command, state) => {
    switch (command.type) {
      case 'RegisterAgent':
        return registerAgent(command, state);
      case 'UpdateAgent':
        return updateAgent(command, state);
      case 'DeregisterAgent': {
        const agent = requireRegistered(state, command.data.agentId);
        return [{ type: 'agent.deregistered', data: { agentId: agent.profile.agentId, ...(command.data.reason ? { reason: command.data.reason } : {}) } }];
      }
      case 'RecordHealth':
        return recordHealth(command, state);
      case 'RecordCapabilities':
        return recordCapabilities(command, state);
      case 'RecordBenchmark':
        requireRegistered(state, command.data.agentId);
        return [{ type: 'agent.benchmarked', data: command.data }];
      default: {
        const exhaustive: never = command;
        return exhaustive;
      }
    }
  },
};

function stripId(data: AgentUpdatedData): Partial<AgentRegisteredData> {
  const { agentId: _agentId, ...rest } = data;
  return rest as Partial<AgentRegisteredData>;
}

export const agentStreamId = (tenant: string, agentId: string): string => `agent-${tenant}-${agentId}`;
