import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { hiveMessages } from '../catalogue/hive-catalogue';
import { sampleData } from '../testing/sample-data';
import { Topics, type TopicSpec } from '../topics/topics';
import { asyncApiMessageId, buildAsyncApi, type JsonSchema } from './build-asyncapi';

const document = buildAsyncApi({ version: '0.1.0' });
const schemas = document.components.schemas;
const schemaOf = (name: string): JsonSchema => {
  const schema = schemas[name];
  if (!schema) throw new Error(`no schema ${name}`);
  return schema;
};

/** Resolves a local JSON pointer such as `#/components/messages/task.created.v1`. */
function resolve(ref: string): unknown {
  return ref
    .slice(2)
    .split('/')
    .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], document);
}

function refs(value: unknown, into: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((item) => refs(item, into));
  else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string') into.push(child);
      else refs(child, into);
    }
  }
  return into;
}

describe('buildAsyncApi', () => {
  it('is an AsyncAPI 3.0 document', () => {
    expect(document.asyncapi).toBe('3.0.0');
    expect(document.info.version).toBe('0.1.0');
    expect(document.servers['local']?.protocol).toBe('kafka');
  });

  it('has one channel per topic, with its partitions, retention and cleanup policy as Kafka bindings', () => {
    for (const [key, topic] of Object.entries(Topics) as Array<[string, TopicSpec]>) {
      const channel = document.channels[key];
      expect(channel?.address).toBe(topic.name);
      expect(channel?.bindings.kafka).toEqual({
        topic: topic.name,
        partitions: topic.partitions,
        topicConfiguration: { 'cleanup.policy': [topic.cleanupPolicy], 'retention.ms': topic.retentionMs },
        bindingVersion: '0.5.0',
      });
      if (topic.deadLetter) expect(document.channels[`${key}DeadLetter`]?.address).toBe(`${topic.name}.dlq`);
    }
    const addresses = Object.values(document.channels).map((channel) => channel.address);
    expect(new Set(addresses).size).toBe(addresses.length);
  });

  it('has a message for every definition, on the channel of its topic, with the data schema of its class', () => {
    for (const definition of hiveMessages) {
      const id = asyncApiMessageId(definition);
      const message = document.components.messages[id];
      expect(message?.name).toBe(definition.type);
      expect(message?.['x-hive-kind']).toBe(definition.kind);
      const channel = Object.values(document.channels).find((c) => c.address === definition.topic);
      expect(channel?.messages[id]).toEqual({ $ref: `#/components/messages/${id}` });
      const [envelopeRef, specific] = message?.payload['allOf'] as [{ $ref: string }, { properties: Record<string, JsonSchema> }];
      expect(envelopeRef.$ref).toBe('#/components/schemas/Envelope');
      expect(specific.properties['type']).toEqual({ type: 'string', const: definition.type });
      expect(specific.properties['data']).toEqual({ $ref: `#/components/schemas/${definition.dataClass.name}` });
      expect(message?.bindings.kafka.key['description']).toMatch(/^Kafka record key: .+/);
    }
    expect(Object.keys(document.components.messages)).toHaveLength(hiveMessages.length);
  });

  it('declares the traceparent header on every message', () => {
    const headers = schemaOf('HiveKafkaHeaders')['properties'] as Record<string, JsonSchema>;
    expect(headers['traceparent']?.['pattern']).toBeDefined();
    for (const message of Object.values(document.components.messages)) expect(message.headers).toEqual({ $ref: '#/components/schemas/HiveKafkaHeaders' });
  });

  it('has a closed schema for every data class and resolves every $ref', () => {
    for (const definition of hiveMessages) expect(schemaOf(definition.dataClass.name)['additionalProperties']).toBe(false);
    const dangling = refs(document).filter((ref) => resolve(ref) === undefined);
    expect(dangling).toEqual([]);
  });

  it('derives required fields and constraints from the validation decorators', () => {
    const createTask = schemaOf('CreateTaskData');
    expect(createTask['required']).toEqual(expect.arrayContaining(['taskId', 'title', 'prompt', 'priority', 'dependsOn']));
    expect(createTask['required']).not.toContain('payload');
    const properties = createTask['properties'] as Record<string, JsonSchema>;
    expect(properties['priority']).toMatchObject({ type: 'integer', minimum: 0 });
    expect(properties['payload']).toEqual({ type: 'object' });
    expect(properties['requiredCapabilities']).toMatchObject({ type: 'array', items: { $ref: '#/components/schemas/RequiredCapabilityData' } });
    expect((schemaOf('CapabilityData')['properties'] as Record<string, JsonSchema>)['proficiency']).toMatchObject({ minimum: 0, maximum: 1 });
    expect((schemaOf('AgentRegisteredData')['properties'] as Record<string, JsonSchema>)['endpoint']).toMatchObject({ format: 'uri' });
    expect((schemaOf('McpServerRegisteredData')['required'] as string[]).sort()).toEqual(['capabilities', 'serverId', 'status', 'transport', 'version']);
  });

  it('agrees with the catalogue on every sample: required fields present, no field the schema does not list', () => {
    for (const definition of hiveMessages) {
      const schema = schemaOf(definition.dataClass.name);
      const data = sampleData[`${definition.type}@${definition.version}`] as Record<string, unknown>;
      const properties = Object.keys(schema['properties'] as object);
      expect({ type: definition.type, missing: ((schema['required'] as string[] | undefined) ?? []).filter((k) => !(k in data)) }).toEqual({ type: definition.type, missing: [] });
      expect({ type: definition.type, unlisted: Object.keys(data).filter((k) => !properties.includes(k)) }).toEqual({ type: definition.type, unlisted: [] });
    }
  });

  it('survives YAML serialisation unchanged', () => {
    expect(parse(stringify(document))).toEqual(JSON.parse(JSON.stringify(document)));
  });

  it('matches the published docs/asyncapi.yaml (regenerate with `npm run asyncapi -w @hive/contracts`)', () => {
    const published = parse(readFileSync(join(__dirname, '../../../../docs/asyncapi.yaml'), 'utf8')) as unknown;
    const { version } = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { version: string };
    expect(published).toEqual(JSON.parse(JSON.stringify(buildAsyncApi({ version }))));
  });
});
