import type { MessageDefinition } from '../catalogue/message-definition';
import type { Envelope } from '../envelope/envelope';

/** A valid envelope around `data` for a definition (fixed ids, so tests are deterministic). */
export function sampleEnvelope(definition: Pick<MessageDefinition, 'type' | 'version'>, data: object): Envelope {
  return {
    id: '3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b',
    type: definition.type,
    version: definition.version,
    source: 'gateway',
    tenant: 'acme',
    occurredAt: '2025-07-06T12:00:00.000Z',
    correlationId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
    causationId: null,
    data,
  };
}
