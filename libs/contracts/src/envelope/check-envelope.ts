import type { Envelope } from './envelope';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** JSON Schema of the envelope, published in the AsyncAPI document. Kept beside the check that enforces it. */
export const envelopeJsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'type', 'version', 'source', 'tenant', 'occurredAt', 'correlationId', 'causationId', 'data'],
  properties: {
    id: { type: 'string', format: 'uuid', description: 'Unique message id; consumers deduplicate on it.' },
    type: { type: 'string', minLength: 1, maxLength: 128, description: 'Message type, e.g. task.created.' },
    version: { type: 'integer', minimum: 1, description: 'Schema version of data.' },
    source: { type: 'string', minLength: 1, maxLength: 64, description: 'Service that wrote the message.' },
    tenant: { type: 'string', minLength: 1, maxLength: 128, description: 'Tenant the message belongs to.' },
    occurredAt: { type: 'string', format: 'date-time' },
    correlationId: { type: 'string', minLength: 1, maxLength: 128 },
    causationId: { type: ['string', 'null'], maxLength: 128 },
    data: { type: 'object' },
  },
} as const;

const isText = (value: unknown, max: number): value is string => typeof value === 'string' && value.length > 0 && value.length <= max;

/**
 * Checks the envelope fields (not `data`, which its message definition
 * validates) and returns every problem found, each naming the field.
 * Hand-written because it runs for every message on every consumer.
 */
export function envelopeProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return ['the message is not a JSON object'];
  const m = value as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof m['id'] !== 'string' || !UUID.test(m['id'])) problems.push('id must be a uuid');
  if (!isText(m['type'], 128)) problems.push('type must be a non-empty string of at most 128 characters');
  if (typeof m['version'] !== 'number' || !Number.isInteger(m['version']) || m['version'] < 1) problems.push('version must be an integer >= 1');
  if (!isText(m['source'], 64)) problems.push('source must be a non-empty string of at most 64 characters');
  if (!isText(m['tenant'], 128)) problems.push('tenant must be a non-empty string of at most 128 characters');
  if (typeof m['occurredAt'] !== 'string' || !ISO_8601.test(m['occurredAt'])) problems.push('occurredAt must be an ISO 8601 date-time');
  if (!isText(m['correlationId'], 128)) problems.push('correlationId must be a non-empty string of at most 128 characters');
  if (m['causationId'] !== null && !isText(m['causationId'], 128)) problems.push('causationId must be null or a non-empty string of at most 128 characters');
  if (typeof m['data'] !== 'object' || m['data'] === null || Array.isArray(m['data'])) problems.push('data must be a JSON object');
  for (const key of Object.keys(m)) {
    if (!(key in envelopeJsonSchema.properties)) problems.push(`unknown envelope field "${key}"`);
  }
  return problems;
}

export const isEnvelope = (value: unknown): value is Envelope => envelopeProblems(value).length === 0;
