import { sampleData } from '../testing/sample-data';
import { sampleEnvelope } from '../testing/sample-envelope';
import { ContractViolation } from './contract-violation';
import { hiveCatalogue, hiveMessages } from './hive-catalogue';
import type { MessageDefinition } from './message-definition';

const keyOf = (definition: MessageDefinition): string => `${definition.type}@${definition.version}`;

const sampleFor = (type: string, version = 1): Record<string, unknown> => {
  const data = sampleData[`${type}@${version}`];
  if (!data) throw new Error(`no sample for ${type}@${version}`);
  return structuredClone(data) as Record<string, unknown>;
};

const raw = (type: string, data: unknown, version = 1): string =>
  JSON.stringify(sampleEnvelope({ type, version }, data as object));

/** Runs `parse` and returns the ContractViolation it throws (failing the test if it does not throw one). */
function violationOf(input: string | Buffer | null): ContractViolation {
  try {
    hiveCatalogue.parse(input);
  } catch (error) {
    if (error instanceof ContractViolation) return error;
    throw error;
  }
  throw new Error('expected a ContractViolation, but the message was accepted');
}

describe('hive catalogue', () => {
  it('has exactly one sample per definition, so every message below is exercised', () => {
    expect(Object.keys(sampleData).sort()).toEqual(hiveMessages.map(keyOf).sort());
  });

  it('defines each (type, version) once and names events in past tense snake_case and commands in PascalCase', () => {
    expect(new Set(hiveMessages.map(keyOf)).size).toBe(hiveMessages.length);
    for (const definition of hiveMessages) {
      if (definition.kind === 'command') expect(definition.type).toMatch(/^[A-Z][a-zA-Z]+$/);
      else expect(definition.type).toMatch(/^[a-z]+\.[a-z_.]+$/);
      expect(definition.description.length).toBeGreaterThan(10);
    }
  });

  it.each(hiveMessages.map((definition) => [keyOf(definition), definition] as const))(
    'parses a valid %s message',
    (_key, definition) => {
      const envelope = sampleEnvelope(definition, sampleFor(definition.type, definition.version));
      const parsed = hiveCatalogue.parse(Buffer.from(JSON.stringify(envelope)));
      expect(parsed).toEqual(envelope);
      expect(hiveCatalogue.checkData(definition.type, definition.version, envelope.data)).toBe(definition);
    },
  );

  describe('free-form JSON fields', () => {
    it('accepts arbitrary nested keys in a task payload while still rejecting unknown task fields', () => {
      const data = { ...sampleFor('task.created'), payload: { anything: { deeply: [{ nested: true, n: 1 }] }, 'odd key': null } };
      expect(() => hiveCatalogue.checkData('task.created', 1, data)).not.toThrow();
      expect(() => hiveCatalogue.checkData('task.created', 1, { ...data, colour: 'red' })).toThrow('property colour should not exist');
    });

    it('accepts n8n workflow JSON with its own keys (nodes, connections, settings, pinData)', () => {
      const data = sampleFor('ImportWorkflow');
      expect(Object.keys(data['n8nData'] as object)).toEqual(['name', 'nodes', 'connections', 'settings', 'pinData']);
      expect(() => hiveCatalogue.checkData('ImportWorkflow', 1, data)).not.toThrow();
    });

    it('accepts an MCP tool result and n8n output items of any shape', () => {
      expect(() => hiveCatalogue.checkData('mcp.tool_call_completed', 1, sampleFor('mcp.tool_call_completed'))).not.toThrow();
      expect(() => hiveCatalogue.checkData('workflow.node_completed', 1, sampleFor('workflow.node_completed'))).not.toThrow();
    });

    it('rejects a JSON field that is not an object', () => {
      const error = violationOf(raw('task.created', { ...sampleFor('task.created'), payload: ['not', 'an', 'object'] }));
      expect(error.code).toBe('invalid_data');
      expect(error.details).toContain('payload must be a JSON object');
      expect(violationOf(raw('ImportWorkflow', { ...sampleFor('ImportWorkflow'), n8nData: 'json text' })).details).toContain('n8nData must be a JSON object');
      const items = violationOf(raw('workflow.execution_completed', { ...sampleFor('workflow.execution_completed'), output: [{ json: {} }, 3] }));
      expect(items.details).toContain('each value in output must be a JSON object');
    });
  });

  describe('rejects', () => {
    it('bytes that are not JSON, and a record without a value', () => {
      const error = violationOf('{"id": "oops"');
      expect(error.code).toBe('malformed_json');
      expect(error.message).toMatch(/^the message is not valid JSON/);
      expect(violationOf(null).code).toBe('malformed_json');
    });

    it('a message that is not a JSON object', () => {
      const error = violationOf('[1,2]');
      expect(error.code).toBe('invalid_envelope');
      expect(error.details).toEqual(['the message is not a JSON object']);
    });

    it('an envelope with missing fields, naming each of them', () => {
      const { id: _id, tenant: _tenant, occurredAt: _occurredAt, ...rest } = sampleEnvelope({ type: 'task.ready', version: 1 }, sampleFor('task.ready'));
      const error = violationOf(JSON.stringify(rest));
      expect(error.code).toBe('invalid_envelope');
      expect(error.details).toEqual([
        'id must be a uuid',
        'tenant must be a non-empty string of at most 128 characters',
        'occurredAt must be an ISO 8601 date-time',
      ]);
    });

    it('an envelope with an unknown field', () => {
      const envelope = { ...sampleEnvelope({ type: 'task.ready', version: 1 }, sampleFor('task.ready')), timestamp: '2025-07-06T12:00:00Z' };
      const error = violationOf(JSON.stringify(envelope));
      expect(error.code).toBe('invalid_envelope');
      expect(error.details).toEqual(['unknown envelope field "timestamp"']);
    });

    it('an unknown message type', () => {
      const error = violationOf(raw('task.exploded', { taskId: 't-1' }));
      expect(error.code).toBe('unknown_type');
      expect(error.message).toBe('unknown message type "task.exploded"');
    });

    it('an unknown version of a known type, listing the known versions', () => {
      const error = violationOf(raw('task.created', sampleFor('task.created'), 2));
      expect(error.code).toBe('unknown_version');
      expect(error.message).toBe('unknown version 2 of "task.created" (known: 1)');
    });

    it('a capability proficiency above 1, naming the nested field', () => {
      const data = sampleFor('RegisterAgent');
      data['capabilities'] = [{ name: 'devops', proficiency: 0.9 }, { name: 'architecture', proficiency: 1.5 }];
      const error = violationOf(raw('RegisterAgent', data));
      expect(error.code).toBe('invalid_data');
      expect(error.message).toMatch(/^invalid data for RegisterAgent v1: /);
      expect(error.details).toEqual(['capabilities.1.proficiency must not be greater than 1']);
    });

    it('a negative or fractional task priority', () => {
      expect(violationOf(raw('CreateTask', { ...sampleFor('CreateTask'), priority: -1 })).details).toEqual(['priority must not be less than 0']);
      expect(violationOf(raw('CreateTask', { ...sampleFor('CreateTask'), priority: 1.5 })).details).toEqual(['priority must be an integer number']);
    });

    it('a task without title and prompt', () => {
      const { title: _title, prompt: _prompt, ...data } = sampleFor('CreateTask');
      const details = violationOf(raw('CreateTask', data)).details;
      expect(details).toEqual(expect.arrayContaining(['title must be a string', 'prompt must be a string']));
    });

    it('unknown data fields, at the top level and inside nested data classes', () => {
      const top = violationOf(raw('agent.status_changed', { ...sampleFor('agent.status_changed'), severity: 'high' }));
      expect(top.code).toBe('invalid_data');
      expect(top.details).toEqual(['property severity should not exist']);
      const nested = sampleFor('RegisterAgent');
      nested['hardware'] = { vramGb: 24, overclocked: true };
      expect(violationOf(raw('RegisterAgent', nested)).details).toEqual(['hardware.property overclocked should not exist']);
    });

    it('an agent status outside online, busy, degraded and offline', () => {
      const details = violationOf(raw('agent.status_changed', { ...sampleFor('agent.status_changed'), to: 'sleeping' })).details;
      expect(details).toEqual(['to must be one of the following values: online, busy, degraded, offline']);
    });

    it('timestamps that are not ISO 8601', () => {
      const details = violationOf(raw('task.retry_scheduled', { ...sampleFor('task.retry_scheduled'), notBefore: 'tomorrow' })).details;
      expect(details).toEqual(['notBefore must be an ISO 8601 date-time']);
    });

    it('an MCP server without the field its transport needs', () => {
      const { command: _command, ...stdio } = sampleFor('RegisterMcpServer');
      expect(violationOf(raw('RegisterMcpServer', stdio)).details).toEqual(['command must be a string of 1-1024 characters (required for stdio)']);
      const http = { serverId: 'comfyui', transport: 'streamable-http', capabilities: ['image_generation'], version: '1.0.0' };
      expect(violationOf(raw('RegisterMcpServer', http)).details).toEqual(['endpoint must be an http(s) URL (required for streamable-http)']);
      expect(() => hiveCatalogue.checkData('RegisterMcpServer', 1, { ...http, endpoint: 'http://localhost:8188/mcp' })).not.toThrow();
    });

    it('an alert whose state or severity is not allowed', () => {
      const details = violationOf(raw('system.alert', { ...sampleFor('system.alert'), severity: 'fatal', state: 'resolved' })).details;
      expect(details).toEqual([
        'severity must be one of the following values: info, warning, critical',
        'state must be one of the following values: firing',
      ]);
    });
  });
});
