import type { McpServerSpecData } from '@hive/contracts';
import { DomainError, fold } from '@hive/event-store';
import { mcpServerDecider, type McpServerCommand, type McpServerEvent } from './mcp-server.decider';

const spec = (overrides: Partial<McpServerSpecData> = {}): McpServerSpecData => ({
  serverId: 'code_review', transport: 'streamable-http', endpoint: 'http://localhost:8000/mcp', capabilities: ['code_analysis', 'security_scan'], version: '1.2.0', ...overrides,
});
const registered = (status: 'active' | 'unreachable' = 'active', tools = ['analyze']): McpServerEvent =>
  ({ type: 'mcp.server_registered', data: { ...spec(), status, tools } });
const observe = (status: 'active' | 'degraded' | 'unreachable', reason: string, tools?: string[]): McpServerCommand =>
  ({ type: 'RecordMcpServerHealth', data: { serverId: 'code_review', observed: { status, reason, ...(tools ? { tools } : {}) } } });

/** given(events).when(command): the events decided, or the DomainError thrown. */
const given = (events: McpServerEvent[]) => ({
  when: (command: McpServerCommand) => {
    const state = fold(mcpServerDecider, events);
    try {
      return { events: mcpServerDecider.decide(command, state), error: undefined };
    } catch (error) {
      if (error instanceof DomainError) return { events: [], error };
      throw error;
    }
  },
});

describe('MCP server registry decider', () => {
  it('records a new server with the status and tools seen when connecting', () => {
    const { events } = given([]).when({ type: 'RegisterMcpServer', data: { spec: spec(), observed: { status: 'active', reason: 'connected', tools: ['analyze', 'scan'] } } });
    expect(events).toEqual([{ type: 'mcp.server_registered', data: { ...spec(), status: 'active', tools: ['analyze', 'scan'] } }]);
  });

  it('records a server it could not reach as unreachable, without tools', () => {
    const { events } = given([]).when({ type: 'RegisterMcpServer', data: { spec: spec(), observed: { status: 'unreachable', reason: 'ECONNREFUSED' } } });
    expect(events).toEqual([{ type: 'mcp.server_registered', data: { ...spec(), status: 'unreachable' } }]);
  });

  it('accepts the same registration again without new events (a retried request)', () => {
    const { events, error } = given([registered()]).when({ type: 'RegisterMcpServer', data: { spec: spec(), observed: { status: 'active', reason: 'connected' } } });
    expect(error).toBeUndefined();
    expect(events).toEqual([]);
  });

  it('refuses a different configuration under a registered id', () => {
    const { error } = given([registered()]).when({ type: 'RegisterMcpServer', data: { spec: spec({ version: '2.0.0' }), observed: { status: 'active', reason: 'connected' } } });
    expect(error?.code).toBe('already_exists');
    expect(error?.message).toMatch(/code_review.*different configuration/);
  });

  it('turns a failed health check into a status change', () => {
    const { events } = given([registered()]).when(observe('unreachable', 'connect ECONNREFUSED'));
    expect(events).toEqual([{ type: 'mcp.server_status_changed', data: { serverId: 'code_review', from: 'active', to: 'unreachable', reason: 'connect ECONNREFUSED' } }]);
  });

  it('records nothing while the status and tools stay the same', () => {
    expect(given([registered()]).when(observe('active', 'ping ok', ['analyze'])).events).toEqual([]);
    expect(given([registered()]).when(observe('active', 'ping ok')).events).toEqual([]);
  });

  it('records a recovery with the tools listed again', () => {
    const down: McpServerEvent = { type: 'mcp.server_status_changed', data: { serverId: 'code_review', from: 'active', to: 'unreachable', reason: 'gone' } };
    const { events } = given([registered(), down]).when(observe('active', 'reconnected', ['analyze', 'fix']));
    expect(events).toEqual([{ type: 'mcp.server_status_changed', data: { serverId: 'code_review', from: 'unreachable', to: 'active', reason: 'reconnected', tools: ['analyze', 'fix'] } }]);
  });

  it('records a changed tool list (listChanged) as a status change with the same status', () => {
    const { events } = given([registered()]).when(observe('active', 'tools/list_changed', ['analyze', 'lint']));
    expect(events).toEqual([{ type: 'mcp.server_status_changed', data: { serverId: 'code_review', from: 'active', to: 'active', reason: 'tools/list_changed', tools: ['analyze', 'lint'] } }]);
  });

  it('leaves a disabled server disabled whatever its health checks say', () => {
    const disabled = mcpServerDecider.decide({ type: 'DisableMcpServer', data: { serverId: 'code_review', reason: 'operator' } }, fold(mcpServerDecider, [registered()]));
    expect(disabled).toEqual([{ type: 'mcp.server_status_changed', data: { serverId: 'code_review', from: 'active', to: 'disabled', reason: 'operator' } }]);
    expect(given([registered(), ...disabled]).when(observe('active', 'ping ok')).events).toEqual([]);
  });

  it('refuses health for a server that was never registered', () => {
    expect(given([]).when(observe('active', 'ping ok')).error?.code).toBe('not_found');
  });
});
