// The outbox relay as it runs in an owning service: its own process.
import { Pool } from 'pg';
import { createKafka, OutboxRelay } from '@hive/messaging';

const pool = new Pool({ connectionString: process.env['DATABASE_URL'], max: 4 });
const relay = new OutboxRelay({
  kafka: createKafka({ brokers: (process.env['KAFKA_BROKERS'] ?? '').split(','), clientId: 'bench-relay' }),
  pool,
  connectionString: process.env['DATABASE_URL'] ?? '',
  schema: process.env['BENCH_SCHEMA'] ?? '',
  topicPrefix: process.env['HIVE_TOPIC_PREFIX'],
});
relay.start();
const ready = setInterval(() => {
  if (relay.state !== 'active') return;
  clearInterval(ready);
  console.log('relay ready');
}, 10);
process.on('SIGTERM', () => void relay.stop().then(() => pool.end()).then(() => process.exit(0)));
