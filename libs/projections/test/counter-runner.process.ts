// A projection runner in its own process, so tests can SIGKILL it mid-batch.
import { Pool } from 'pg';
import { createKafka } from '@hive/messaging';
import { testCatalogue } from '@hive/testing';
import { ProjectionRunner } from '../src';
import { counterProjection } from './counter.projection';

const schema = process.env['PROJECTION_SCHEMA'] ?? '';
const pool = new Pool({ connectionString: process.env['DATABASE_URL'], max: 5 });
const runner = new ProjectionRunner({
  kafka: createKafka({ brokers: (process.env['KAFKA_BROKERS'] ?? '').split(','), clientId: 'counter-runner' }),
  pool,
  schema,
  catalogue: testCatalogue,
  topicPrefix: process.env['HIVE_TOPIC_PREFIX'],
  projections: [counterProjection(schema)],
  afterCommit: (_, messages) => console.log(`applied ${messages.length}`),
});
void runner.start().then(() => console.log('runner started'));
process.on('SIGTERM', () => void runner.stop().then(() => pool.end()).then(() => process.exit(0)));
