import type { MetadataStorage as ClassTransformerMetadataStorage } from 'class-transformer/types/MetadataStorage';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import { hiveMessages } from '../catalogue/hive-catalogue';
import type { MessageDefinition } from '../catalogue/message-definition';
import { envelopeJsonSchema } from '../envelope/check-envelope';
import { HiveHeaders } from '../envelope/envelope';
import { deadLetterTopicName, Topics, type TopicKey, type TopicSpec } from '../topics/topics';

// class-transformer ships this storage without typings at its CommonJS path; it holds the @Type() metadata
// that lets nested data classes become $refs instead of bare objects.
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as { defaultMetadataStorage: ClassTransformerMetadataStorage };

export type JsonSchema = Record<string, unknown>;
type Ref = { readonly $ref: string };

export interface AsyncApiChannel {
  address: string;
  title: string;
  description: string;
  messages: Record<string, Ref>;
  bindings: { kafka: KafkaChannelBinding };
  'x-hive-dead-letter-of'?: string;
}

export interface KafkaChannelBinding {
  topic: string;
  partitions: number;
  topicConfiguration: { 'cleanup.policy': Array<'delete' | 'compact'>; 'retention.ms': number };
  bindingVersion: '0.5.0';
}

export interface AsyncApiMessage {
  name: string;
  title: string;
  summary: string;
  contentType: 'application/json';
  tags: Array<{ name: string }>;
  headers: Ref;
  payload: JsonSchema;
  bindings: { kafka: { key: JsonSchema; bindingVersion: '0.5.0' } };
  'x-hive-kind': MessageDefinition['kind'];
  'x-hive-version': number;
}

export interface AsyncApiDocument {
  asyncapi: '3.0.0';
  info: { title: string; version: string; description: string };
  defaultContentType: 'application/json';
  servers: Record<string, { host: string; protocol: 'kafka'; description: string }>;
  channels: Record<string, AsyncApiChannel>;
  operations: Record<string, { action: 'send'; title: string; channel: Ref; messages: Ref[] }>;
  components: { schemas: Record<string, JsonSchema>; messages: Record<string, AsyncApiMessage> };
}

export interface BuildAsyncApiOptions {
  /** Version of the document (the contracts package version). */
  readonly version?: string;
  /** Kafka bootstrap address shown as the local server. */
  readonly kafkaHost?: string;
  /** Definitions to describe; all of Hive's by default. */
  readonly messages?: readonly MessageDefinition[];
}

const SCHEMA_PREFIX = '#/components/schemas/';
const ENVELOPE_SCHEMA = 'Envelope';
const HEADERS_SCHEMA = 'HiveKafkaHeaders';
const DLQ_HEADERS_SCHEMA = 'HiveDeadLetterHeaders';

/** Component id of one (type, version), e.g. `task.created.v1`. */
export const asyncApiMessageId = (definition: Pick<MessageDefinition, 'type' | 'version'>): string =>
  `${definition.type}.v${definition.version}`;

const headersSchema: JsonSchema = {
  type: 'object',
  description: 'Kafka record headers Hive sets on every message.',
  properties: {
    [HiveHeaders.traceparent]: {
      type: 'string',
      pattern: '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$',
      description: 'W3C Trace Context traceparent of the span that produced the message.',
    },
    [HiveHeaders.tracestate]: { type: 'string', description: 'W3C Trace Context tracestate.' },
    [HiveHeaders.messageType]: { type: 'string', description: 'Copy of the envelope type, for routing without parsing.' },
    [HiveHeaders.messageVersion]: { type: 'string', description: 'Copy of the envelope version.' },
    [HiveHeaders.contentType]: { type: 'string', const: 'application/json' },
  },
};

const deadLetterHeadersSchema: JsonSchema = {
  type: 'object',
  description: 'Headers of a dead letter: the original headers plus why and where it failed.',
  properties: {
    ...(headersSchema['properties'] as JsonSchema),
    [HiveHeaders.dlqError]: { type: 'string', description: 'The error that stopped handling.' },
    [HiveHeaders.dlqErrorKind]: { type: 'string', description: 'Error class, e.g. contract_violation or retries_exhausted.' },
    [HiveHeaders.dlqOriginalTopic]: { type: 'string' },
    [HiveHeaders.dlqOriginalPartition]: { type: 'string' },
    [HiveHeaders.dlqOriginalOffset]: { type: 'string' },
    [HiveHeaders.dlqConsumer]: { type: 'string', description: 'Consumer group that gave up.' },
    [HiveHeaders.dlqAttempts]: { type: 'string' },
    [HiveHeaders.dlqFailedAt]: { type: 'string', format: 'date-time' },
  },
};

const keyDescription = (topic: TopicSpec): string => /Key: ([^.]+)\./.exec(topic.description)?.[1] ?? 'aggregate id';

const kafkaBinding = (topic: TopicSpec): KafkaChannelBinding => ({
  topic: topic.name,
  partitions: topic.partitions,
  topicConfiguration: { 'cleanup.policy': [topic.cleanupPolicy], 'retention.ms': topic.retentionMs },
  bindingVersion: '0.5.0',
});

const retentionText = (topic: TopicSpec): string =>
  topic.retentionMs < 0 ? 'kept forever' : `kept ${Math.round(topic.retentionMs / 3_600_000)} h`;

/** class-validator-jsonschema names IsUrl's format `url`; JSON Schema's is `uri`. */
const FORMAT_FIXES: Readonly<Record<string, string>> = { url: 'uri' };

function fixFormats(value: unknown): void {
  if (Array.isArray(value)) value.forEach(fixFormats);
  else if (typeof value === 'object' && value !== null) {
    const node = value as Record<string, unknown>;
    const format = node['format'];
    if (typeof format === 'string' && FORMAT_FIXES[format]) node['format'] = FORMAT_FIXES[format];
    Object.values(node).forEach(fixFormats);
  }
}

const refsIn = (value: unknown, into: Set<string>): void => {
  if (Array.isArray(value)) value.forEach((item) => refsIn(item, into));
  else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string' && child.startsWith(SCHEMA_PREFIX)) into.add(child.slice(SCHEMA_PREFIX.length));
      else refsIn(child, into);
    }
  }
};

/**
 * JSON Schemas of the data classes of `definitions` (and the classes they
 * nest), derived from their class-validator decorators. Each class schema
 * forbids unknown properties, as the catalogue's validation does; free-form
 * JSON fields (`@IsJsonObject()`) stay open objects.
 */
export function buildDataSchemas(definitions: readonly MessageDefinition[]): Record<string, JsonSchema> {
  const all = validationMetadatasToSchemas({
    classTransformerMetadataStorage: defaultMetadataStorage,
    refPointerPrefix: SCHEMA_PREFIX,
  }) as Record<string, JsonSchema>;
  const schemas: Record<string, JsonSchema> = {};
  const pending: string[] = [];
  const descriptions = new Map<string, string>();
  for (const definition of definitions) {
    const name = definition.dataClass.name;
    if (!all[name]) {
      // A data class that only extends a shared one (AgentRegisteredData extends AgentProfileData)
      // has no metadata of its own: publish it under its own name with its ancestor's schema.
      let ancestor: unknown = Object.getPrototypeOf(definition.dataClass);
      while (typeof ancestor === 'function' && ancestor.name && !all[ancestor.name]) ancestor = Object.getPrototypeOf(ancestor);
      const found = typeof ancestor === 'function' ? all[ancestor.name] : undefined;
      if (!found) throw new Error(`no validation metadata for ${name} (${definition.type} v${definition.version})`);
      all[name] = structuredClone(found);
    }
    descriptions.set(name, `data of ${definition.type} v${definition.version}: ${definition.description}`);
    pending.push(name);
  }
  while (pending.length > 0) {
    const name = pending.pop() as string;
    if (schemas[name]) continue;
    const schema = all[name];
    if (!schema) throw new Error(`schema ${name} is referenced but not defined`);
    const description = descriptions.get(name);
    schemas[name] = { ...(description ? { description } : {}), ...structuredClone(schema), additionalProperties: false };
    fixFormats(schemas[name]);
    const refs = new Set<string>();
    refsIn(schema, refs);
    pending.push(...refs);
  }
  return Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b)));
}

function messageComponent(definition: MessageDefinition, topic: TopicSpec): AsyncApiMessage {
  return {
    name: definition.type,
    title: `${definition.type} v${definition.version}`,
    summary: definition.description,
    contentType: 'application/json',
    tags: [{ name: definition.kind }],
    headers: { $ref: `${SCHEMA_PREFIX}${HEADERS_SCHEMA}` },
    payload: {
      allOf: [
        { $ref: `${SCHEMA_PREFIX}${ENVELOPE_SCHEMA}` },
        {
          type: 'object',
          properties: {
            type: { type: 'string', const: definition.type },
            version: { type: 'integer', const: definition.version },
            data: { $ref: `${SCHEMA_PREFIX}${definition.dataClass.name}` },
          },
        },
      ],
    },
    bindings: {
      kafka: {
        key: { type: 'string', description: `Kafka record key: ${keyDescription(topic)}. All messages of one key stay in order.` },
        bindingVersion: '0.5.0',
      },
    },
    'x-hive-kind': definition.kind,
    'x-hive-version': definition.version,
  };
}

/** Builds the AsyncAPI 3.0 document describing every Hive topic and message from the contracts themselves. */
export function buildAsyncApi(options: BuildAsyncApiOptions = {}): AsyncApiDocument {
  const definitions = options.messages ?? hiveMessages;
  const topicsByName = new Map<string, [TopicKey, TopicSpec]>();
  for (const [key, spec] of Object.entries(Topics) as Array<[TopicKey, TopicSpec]>) topicsByName.set(spec.name, [key, spec]);

  const document: AsyncApiDocument = {
    asyncapi: '3.0.0',
    info: {
      title: 'Hive messages',
      version: options.version ?? '0.1.0',
      description: [
        'Every Kafka topic of Hive and the messages on it. Each message is a JSON envelope (id, type, version, source,',
        'tenant, occurredAt, correlationId, causationId, data) whose `data` is described per message type and version.',
        'Readers reject unknown envelope fields and unknown data fields. W3C `traceparent` travels in the Kafka headers.',
        'Generated from libs/contracts; do not edit by hand.',
      ].join(' '),
    },
    defaultContentType: 'application/json',
    servers: {
      local: { host: options.kafkaHost ?? '127.0.0.1:9092', protocol: 'kafka', description: 'Single-node KRaft broker started by the project scripts.' },
    },
    channels: {},
    operations: {},
    components: {
      schemas: {
        [ENVELOPE_SCHEMA]: structuredClone(envelopeJsonSchema) as unknown as JsonSchema,
        [HEADERS_SCHEMA]: headersSchema,
        [DLQ_HEADERS_SCHEMA]: deadLetterHeadersSchema,
        ...buildDataSchemas(definitions),
      },
      messages: {},
    },
  };

  for (const [key, topic] of topicsByName.values()) {
    document.channels[key] = {
      address: topic.name,
      title: topic.name,
      description: `${topic.description} ${topic.partitions} partitions, ${retentionText(topic)}, cleanup.policy=${topic.cleanupPolicy}.`,
      messages: {},
      bindings: { kafka: kafkaBinding(topic) },
    };
  }

  for (const definition of definitions) {
    const entry = topicsByName.get(definition.topic);
    if (!entry) throw new Error(`${definition.type} v${definition.version} names unknown topic ${definition.topic}`);
    const [key, topic] = entry;
    const id = asyncApiMessageId(definition);
    document.components.messages[id] = messageComponent(definition, topic);
    document.channels[key].messages[id] = { $ref: `#/components/messages/${id}` };
  }

  for (const [key, topic] of topicsByName.values()) {
    const channel = document.channels[key];
    const messageIds = Object.keys(channel.messages);
    if (messageIds.length > 0) {
      document.operations[`publish.${key}`] = {
        action: 'send',
        title: `Publish to ${topic.name}`,
        channel: { $ref: `#/channels/${key}` },
        messages: messageIds.map((id) => ({ $ref: `#/channels/${key}/messages/${id}` })),
      };
    }
    if (topic.deadLetter) {
      const dlqName = deadLetterTopicName(topic.name);
      document.channels[`${key}DeadLetter`] = {
        address: dlqName,
        title: dlqName,
        description:
          `Dead letters of ${topic.name}: its messages, unchanged, that a consumer could not handle after bounded retries. ` +
          `Headers (${DLQ_HEADERS_SCHEMA}) carry the error and the original topic, partition and offset. 1 partition, kept forever.`,
        messages: { ...channel.messages },
        bindings: { kafka: kafkaBinding({ ...topic, name: dlqName, partitions: 1, retentionMs: -1, cleanupPolicy: 'delete' }) },
        'x-hive-dead-letter-of': topic.name,
      };
    }
  }
  return document;
}
