import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { allTopicSpecs } from '@hive/contracts';
import { InfraConfig, loadConfig } from '@hive/config';

/**
 * Everything a test run needs to use the real Kafka and PostgreSQL without
 * colliding with other runs: a unique topic prefix and schema prefix, the
 * clients, and clean-up of what the run created.
 */
export interface TestEnvironment {
  readonly runId: string;
  readonly topicPrefix: string;
  readonly schemaPrefix: string;
  readonly brokers: string[];
  readonly databaseUrl: string;
  readonly kafka: Kafka;
  readonly pool: Pool;
  /** Environment for a child process (a service) that should join this run. */
  env(extra?: Record<string, string>): NodeJS.ProcessEnv;
  /** Creates every Hive topic under this run's prefix. */
  createTopics(): Promise<void>;
  cleanup(): Promise<void>;
}

export function uniqueRunId(): string {
  return `t${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

export async function createTestEnvironment(): Promise<TestEnvironment> {
  const infra = loadConfig(InfraConfig);
  const runId = uniqueRunId();
  const topicPrefix = `${runId}.`;
  const schemaPrefix = `${runId}_`;
  const brokers = infra.KAFKA_BROKERS.split(',');
  const kafka = new Kafka({ clientId: `test-${runId}`, brokers, logLevel: logLevel.NOTHING, retry: { retries: 8, initialRetryTime: 100 } });
  const pool = new Pool({ connectionString: infra.DATABASE_URL, max: 10 });

  const env: TestEnvironment = {
    runId, topicPrefix, schemaPrefix, brokers, databaseUrl: infra.DATABASE_URL, kafka, pool,
    env: (extra = {}) => ({
      ...process.env,
      KAFKA_BROKERS: infra.KAFKA_BROKERS,
      DATABASE_URL: infra.DATABASE_URL,
      HIVE_TOPIC_PREFIX: topicPrefix,
      HIVE_SCHEMA_PREFIX: schemaPrefix,
      ...extra,
    }),
    createTopics: async () => {
      const admin = kafka.admin();
      await admin.connect();
      try {
        await admin.createTopics({
          waitForLeaders: true,
          topics: allTopicSpecs().map((spec) => ({
            topic: topicPrefix + spec.name,
            // Fewer partitions keep test runs light; ordering per key is unaffected.
            numPartitions: Math.min(spec.partitions, 3),
            replicationFactor: 1,
            configEntries: [{ name: 'cleanup.policy', value: spec.cleanupPolicy }, ...Object.entries(spec.config ?? {}).map(([name, value]) => ({ name, value }))],
          })),
        });
      } finally {
        await admin.disconnect();
      }
    },
    cleanup: async () => {
      const { rows } = await pool.query<{ nspname: string }>(`SELECT nspname FROM pg_namespace WHERE starts_with(nspname, $1)`, [schemaPrefix]);
      for (const row of rows) await pool.query(`DROP SCHEMA "${row.nspname}" CASCADE`);
      await pool.end();
      const admin = kafka.admin();
      await admin.connect();
      try {
        const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(topicPrefix));
        if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30_000 });
      } catch {
        // Topic deletion is best effort: the unique prefix keeps leftovers harmless.
      } finally {
        await admin.disconnect();
      }
    },
  };
  return env;
}
