import { DomainError } from '@hive/event-store';
import type { AgentRegisteredData, RegisterAgentData } from '@hive/contracts';
import { agentDecider, type AgentCommand, type AgentEvent, type EndpointProbe } from './agent.decider';

const acacia: RegisterAgentData = {
  agentId: 'acacia', name: 'ACACIA Infrastructure Specialist', endpoint: 'http://127.0.0.1:11501', model: 'deepseek-r1:7b',
  provider: 'ollama', capabilities: [{ name: 'devops', proficiency: 0.95 }, { name: 'reasoning', proficiency: 0.5 }], maxConcurrent: 2,
};
const probe: EndpointProbe = { reachable: true, models: ['deepseek-r1:7b'], detected: [{ name: 'reasoning', proficiency: 0.9 }, { name: 'code_review', proficiency: 0.85 }] };
const registered: AgentEvent[] = [
  { type: 'agent.registered', data: acacia as AgentRegisteredData },
  { type: 'agent.status_changed', data: { agentId: 'acacia', from: 'offline', to: 'online', reason: 'registered' } },
];

/** given(events).when(command).then(events | rejection) */
const given = (events: AgentEvent[]) => ({
  when: (command: AgentCommand) => {
    const run = () => agentDecider.decide(command, events.reduce(agentDecider.evolve, agentDecider.initialState()));
    return {
      then: (expected: AgentEvent[]) => expect(run()).toEqual(expected),
      thenRejects: (code: DomainError['code'], message: RegExp) => {
        let caught: unknown;
        try {
          run();
        } catch (error) {
          caught = error;
        }
        expect(caught).toBeInstanceOf(DomainError);
        expect((caught as DomainError).code).toBe(code);
        expect((caught as DomainError).message).toMatch(message);
      },
    };
  },
});

describe('agent decider', () => {
  it('registers a reachable agent: registered, capabilities merged (declared win), online', () => {
    given([]).when({ type: 'RegisterAgent', data: acacia, probe }).then([
      { type: 'agent.registered', data: acacia },
      {
        type: 'agent.capabilities_detected',
        data: { agentId: 'acacia', models: ['deepseek-r1:7b'], detected: [...probe.detected], capabilities: [...acacia.capabilities, { name: 'code_review', proficiency: 0.85 }] },
      },
      { type: 'agent.status_changed', data: { agentId: 'acacia', from: 'offline', to: 'online', reason: 'registered; endpoint answered' } },
    ]);
  });

  it('refuses an unreachable endpoint, naming it', () => {
    given([]).when({ type: 'RegisterAgent', data: acacia, probe: { reachable: false, models: [], detected: [], error: 'ECONNREFUSED' } })
      .thenRejects('unavailable', /endpoint http:\/\/127.0.0.1:11501 is unreachable \(ECONNREFUSED\)/);
  });

  it('matches a model without a tag to the endpoint\'s latest tag, as Ollama does', () => {
    const latest: EndpointProbe = { reachable: true, models: ['deepseek-coder-v2:latest'], detected: [] };
    expect(agentDecider.decide({ type: 'RegisterAgent', data: { ...acacia, model: 'deepseek-coder-v2' }, probe: latest }, agentDecider.initialState())[0].type).toBe('agent.registered');
  });

  it('refuses a model the endpoint does not serve', () => {
    given([]).when({ type: 'RegisterAgent', data: { ...acacia, model: 'llama3' }, probe }).thenRejects('invalid', /does not serve model "llama3"/);
  });

  it('refuses to register the same agent id twice', () => {
    given(registered).when({ type: 'RegisterAgent', data: { ...acacia, name: 'another' }, probe }).thenRejects('already_exists', /agent "acacia" is already registered/);
  });

  it('refuses a capability declared twice', () => {
    given([]).when({ type: 'RegisterAgent', data: { ...acacia, capabilities: [{ name: 'devops', proficiency: 0.5 }, { name: 'devops', proficiency: 0.6 }] }, probe })
      .thenRejects('invalid', /capability "devops" is declared twice/);
  });

  it('updates only what changed, and nothing when nothing did', () => {
    given(registered).when({ type: 'UpdateAgent', data: { agentId: 'acacia', maxConcurrent: 4, name: acacia.name } })
      .then([{ type: 'agent.updated', data: { agentId: 'acacia', maxConcurrent: 4 } }]);
    given(registered).when({ type: 'UpdateAgent', data: { agentId: 'acacia', maxConcurrent: 2 } }).then([]);
  });

  it('deregisters, after which the agent cannot be updated or deregistered again', () => {
    given(registered).when({ type: 'DeregisterAgent', data: { agentId: 'acacia', reason: 'decommissioned' } })
      .then([{ type: 'agent.deregistered', data: { agentId: 'acacia', reason: 'decommissioned' } }]);
    const gone: AgentEvent[] = [...registered, { type: 'agent.deregistered', data: { agentId: 'acacia' } }];
    given(gone).when({ type: 'UpdateAgent', data: { agentId: 'acacia', maxConcurrent: 4 } }).thenRejects('not_found', /was deregistered/);
    given(gone).when({ type: 'DeregisterAgent', data: { agentId: 'acacia' } }).thenRejects('not_found', /was deregistered/);
  });

  it('records a status change only when the status really changes', () => {
    given(registered).when({ type: 'RecordHealth', data: { agentId: 'acacia', status: 'online', reason: 'probe ok' } }).then([]);
    given(registered).when({ type: 'RecordHealth', data: { agentId: 'acacia', status: 'offline', reason: '3 probes failed' } })
      .then([{ type: 'agent.status_changed', data: { agentId: 'acacia', from: 'online', to: 'offline', reason: '3 probes failed' } }]);
  });

  it('re-detects capabilities only when the endpoint reports other models', () => {
    const withModels: AgentEvent[] = [...registered, { type: 'agent.capabilities_detected', data: { agentId: 'acacia', models: ['deepseek-r1:7b'], detected: [], capabilities: acacia.capabilities } }];
    given(withModels).when({ type: 'RecordCapabilities', data: { agentId: 'acacia', probe } }).then([]);
    const more: EndpointProbe = { reachable: true, models: ['deepseek-r1:7b', 'starcoder2:15b'], detected: [{ name: 'code_generation', proficiency: 0.9 }] };
    given(withModels).when({ type: 'RecordCapabilities', data: { agentId: 'acacia', probe: more } }).then([
      { type: 'agent.capabilities_detected', data: { agentId: 'acacia', models: more.models as string[], detected: more.detected as never, capabilities: [...acacia.capabilities, { name: 'code_generation', proficiency: 0.9 }] } },
    ]);
  });
});
