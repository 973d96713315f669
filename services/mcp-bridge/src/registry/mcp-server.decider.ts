import type { McpServerRegisteredData, McpServerSpecData, McpServerStatus, McpServerStatusChangedData } from '@hive/contracts';
import { DomainError, type Decider } from '@hive/event-store';

/** The registry entry of one MCP server of one tenant. */
export type McpServerState =
  | { readonly registered: false }
  | { readonly registered: true; readonly spec: McpServerSpecData; readonly status: McpServerStatus; readonly tools: readonly string[] };

export type McpServerEvent =
  | { readonly type: 'mcp.server_registered'; readonly data: McpServerRegisteredData }
  | { readonly type: 'mcp.server_status_changed'; readonly data: McpServerStatusChangedData };

/** What the bridge saw when it connected (or failed to) right before recording the server. */
export interface Observation {
  readonly status: McpServerStatus;
  readonly reason: string;
  /** Tool names listed; absent when the server could not be listed. */
  readonly tools?: readonly string[];
}

export type McpServerCommand =
  | { readonly type: 'RegisterMcpServer'; readonly data: { readonly spec: McpServerSpecData; readonly observed: Observation } }
  | { readonly type: 'RecordMcpServerHealth'; readonly data: { readonly serverId: string; readonly observed: Observation } }
  | { readonly type: 'DisableMcpServer'; readonly data: { readonly serverId: string; readonly reason: string } };

const SPEC_FIELDS = ['serverId', 'name', 'transport', 'endpoint', 'command', 'args', 'capabilities', 'version'] as const;

/** The spec fields that define a server, in a fixed order, so two registrations can be compared. */
export const specOf = (spec: McpServerSpecData): McpServerSpecData => {
  const out: Record<string, unknown> = {};
  for (const field of SPEC_FIELDS) if (spec[field] !== undefined) out[field] = spec[field];
  return out as unknown as McpServerSpecData;
};

const sameSpec = (a: McpServerSpecData, b: McpServerSpecData): boolean => JSON.stringify(specOf(a)) === JSON.stringify(specOf(b));
const sameTools = (a: readonly string[], b: readonly string[] | undefined): boolean => b === undefined || (a.length === b.length && a.every((t, i) => t === b[i]));

function register(state: McpServerState, spec: McpServerSpecData, observed: Observation): McpServerEvent[] {
  if (state.registered) {
    // The same registration again (a retried request) changes nothing; a different one under the same id is refused.
    if (sameSpec(state.spec, spec)) return [];
    throw new DomainError('already_exists', `MCP server "${spec.serverId}" is already registered with a different configuration; choose another serverId`);
  }
  return [{ type: 'mcp.server_registered', data: { ...specOf(spec), status: observed.status, ...(observed.tools ? { tools: [...observed.tools] } : {}) } }];
}

function recordHealth(state: McpServerState, serverId: string, observed: Observation): McpServerEvent[] {
  if (!state.registered) throw new DomainError('not_found', `MCP server "${serverId}" is not registered`);
  // An operator's decision stands until the operator reverses it.
  if (state.status === 'disabled') return [];
  if (state.status === observed.status && sameTools(state.tools, observed.tools)) return [];
  return [{
    type: 'mcp.server_status_changed',
    data: { serverId, from: state.status, to: observed.status, reason: observed.reason.slice(0, 2000), ...(observed.tools ? { tools: [...observed.tools] } : {}) },
  }];
}

function disable(state: McpServerState, serverId: string, reason: string): McpServerEvent[] {
  if (!state.registered) throw new DomainError('not_found', `MCP server "${serverId}" is not registered`);
  if (state.status === 'disabled') return [];
  return [{ type: 'mcp.server_status_changed', data: { serverId, from: state.status, to: 'disabled', reason } }];
}

export const mcpServerDecider: Decider<McpServerState, McpServerCommand, McpServerEvent> = {
  initialState: () => ({ registered: false }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'mcp.server_registered': {
        const { status, tools, ...spec } = event.data;
        return { registered: true, spec: specOf(spec), status, tools: tools ?? [] };
      }
      case 'mcp.server_status_changed':
        if (!state.registered) return state;
        return { ...state, status: event.data.to, tools: event.data.tools ?? state.tools };
    }
  },
  decide: (command, state) => {
    switch (command.type) {
      case 'RegisterMcpServer': return register(state, command.data.spec, command.data.observed);
      case 'RecordMcpServerHealth': return recordHealth(state, command.data.serverId, command.data.observed);
      case 'DisableMcpServer': return disable(state, command.data.serverId, command.data.reason);
    }
  },
};

/** One stream per tenant and server. */
export const mcpServerStreamId = (tenant: string, serverId: string): string => `mcpserver-${tenant}-${serverId}`;
