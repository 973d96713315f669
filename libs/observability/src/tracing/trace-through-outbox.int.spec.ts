import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Topics } from '@hive/contracts';
import { migrateEventStore, PostgresEventStore } from '@hive/event-store';
import { CheckpointedConsumer, CheckpointStore, OutboxRelay, type ConsumedMessage } from '@hive/messaging';
import { createTestEnvironment, testCatalogue, waitFor, type TestEnvironment } from '@hive/testing';
import { PreservingTraceContextPropagator } from './preserving-trace-context.propagator';

/**
 * One trace through two outboxes: "gateway" appends while serving a request
 * (its span active), its relay publishes; "coordinator" consumes it and
 * appends with the message as causation, its relay publishes; "agent-manager"
 * consumes that. Each consumer's handling span is a child of the span that
 * caused the message, across the outbox rows, whatever else is in the batch.
 */
describe('trace context through the outbox (real PostgreSQL and Kafka)', () => {
  let env: TestEnvironment;
  const exporter = new InMemorySpanExporter();
  const stoppers: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new PreservingTraceContextPropagator());
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
    env = await createTestEnvironment();
    await env.createTopics();
  });
  afterAll(async () => {
    for (const stop of stoppers.reverse()) await stop();
    trace.disable();
    propagation.disable();
    context.disable();
    await env.cleanup();
  });

  const service = async (name: string) => {
    const schema = `${env.schemaPrefix}${name.replace('-', '_')}`;
    await migrateEventStore(env.pool, schema);
    const store = new PostgresEventStore({ schema, source: name, catalogue: testCatalogue, topicPrefix: env.topicPrefix });
    const relay = new OutboxRelay({ kafka: env.kafka, pool: env.pool, connectionString: env.databaseUrl, schema, topicPrefix: env.topicPrefix, leaseRetryMs: 100 });
    relay.start();
    stoppers.push(() => relay.stop());
    const checkpoints = new CheckpointStore(schema);
    await checkpoints.migrate(env.pool);
    const consume = async (handle: (messages: readonly ConsumedMessage[], tx: import('pg').PoolClient) => Promise<void>) => {
      const consumer = new CheckpointedConsumer({
        name, groupId: `${env.topicPrefix}${name}`, topics: [env.topicPrefix + Topics.systemEvents.name], kafka: env.kafka, pool: env.pool,
        checkpoints, catalogue: testCatalogue, handler: { handle },
      });
      await consumer.start();
      stoppers.push(() => consumer.stop());
    };
    return { store, consume };
  };

  it('keeps one trace id from the request through two services that consume and append', async () => {
    const gateway = await service('gateway');
    const coordinator = await service('coordinator');
    const agentManager = await service('agent-manager');
    const seen: string[] = [];
    /** Which counter each handled message (envelope id) was about. */
    const counterOf = new Map<string, string>();
    await coordinator.consume(async (messages, tx) => {
      for (const m of messages) {
        const data = m.envelope.data as { counterId: string };
        counterOf.set(m.envelope.id, data.counterId);
        if (!data.counterId.startsWith('req-')) continue;
        await coordinator.store.appendToStream(tx, `c-${data.counterId}`, [{ type: 'test.counter_incremented', data: { counterId: `caused-${data.counterId}`, by: 1 } }], {
          expectedVersion: 'any', tenant: 'acme', correlationId: m.envelope.correlationId, causationId: m.envelope.id,
        });
      }
    });
    await agentManager.consume(async (messages) => {
      for (const m of messages) {
        const { counterId } = m.envelope.data as { counterId: string };
        counterOf.set(m.envelope.id, counterId);
        seen.push(counterId);
      }
    });

    // Three requests, each in its own trace, appended while their request spans are active.
    const tracer = trace.getTracer('test');
    const requests: Array<{ id: string; traceId: string; spanId: string }> = [];
    for (const id of ['req-1', 'req-2', 'req-3']) {
      await tracer.startActiveSpan(`POST /api/things ${id}`, async (span) => {
        await gateway.store.appendToStream(env.pool, id, [{ type: 'test.counter_incremented', data: { counterId: id, by: 1 } }], {
          expectedVersion: 'any', tenant: 'acme', correlationId: id, causationId: null,
        });
        requests.push({ id, traceId: span.spanContext().traceId, spanId: span.spanContext().spanId });
        span.end();
      });
    }
    await waitFor(() => ['caused-req-1', 'caused-req-2', 'caused-req-3'].every((id) => seen.includes(id)) || undefined, { timeoutMs: 30_000, description: 'the caused events at the agent manager' });

    // A handling span ends when its batch has committed, just after the handler saw the message.
    const handling = (consumer: string, counterId: string) => exporter.getFinishedSpans().find((s) => s.name === 'handle test.counter_incremented'
      && s.attributes['hive.consumer'] === consumer && counterOf.get(String(s.attributes['hive.message.id'])) === counterId);
    await waitFor(() => requests.every((r) => handling('agent-manager', `caused-${r.id}`)) || undefined, { timeoutMs: 10_000, description: 'the handling spans exported' });
    for (const request of requests) {
      const atCoordinator = handling('coordinator', request.id);
      const atAgentManager = handling('agent-manager', `caused-${request.id}`);
      expect(atCoordinator?.spanContext().traceId).toBe(request.traceId);
      expect(atCoordinator?.parentSpanContext?.spanId).toBe(request.spanId);
      expect(atAgentManager?.spanContext().traceId).toBe(request.traceId);
      expect(atAgentManager?.parentSpanContext?.spanId).toBe(atCoordinator?.spanContext().spanId);
    }
    expect(new Set(requests.map((r) => r.traceId)).size).toBe(3);
  }, 60_000);
});
