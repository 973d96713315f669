// A relay in its own process, so tests can SIGKILL it mid-publish.
import { Pool } from 'pg';
import { createKafka, OutboxRelay } from '../src';

const schema = process.env['RELAY_SCHEMA'] ?? '';
const pool = new Pool({ connectionString: process.env['DATABASE_URL'], max: 3 });
const relay = new OutboxRelay({
  kafka: createKafka({ brokers: (process.env['KAFKA_BROKERS'] ?? '').split(','), clientId: 'relay-process' }),
  pool,
  connectionString: process.env['DATABASE_URL'] ?? '',
  schema,
  topicPrefix: process.env['HIVE_TOPIC_PREFIX'],
  batchSize: Number(process.env['RELAY_BATCH_SIZE'] ?? 200),
  leaseRetryMs: 200,
});
relay.start();
const timer = setInterval(() => {
  if (relay.state === 'active') {
    console.log('relay active');
    clearInterval(timer);
  }
}, 20);
process.on('SIGTERM', () => void relay.stop().then(() => pool.end()).then(() => process.exit(0)));
