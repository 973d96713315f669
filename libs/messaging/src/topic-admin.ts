import type { Kafka } from 'kafkajs';
import type { TopicSpec } from '@hive/contracts';

/**
 * Creates the topics that do not exist yet with the partitions, retention and
 * cleanup policy of their specs. Existing topics are left as they are.
 */
export async function ensureTopics(kafka: Kafka, specs: readonly TopicSpec[], prefix = ''): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((spec) => !existing.has(prefix + spec.name));
    if (missing.length === 0) return;
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((spec) => ({
        topic: prefix + spec.name,
        numPartitions: spec.partitions,
        replicationFactor: 1,
        configEntries: [
          { name: 'retention.ms', value: String(spec.retentionMs) },
          { name: 'cleanup.policy', value: spec.cleanupPolicy },
          ...Object.entries(spec.config ?? {}).map(([name, value]) => ({ name, value })),
        ],
      })),
    });
  } finally {
    await admin.disconnect();
  }
}

/** Deletes every topic whose name starts with the prefix (test clean-up). */
export async function deleteTopicsWithPrefix(kafka: Kafka, prefix: string): Promise<void> {
  if (!prefix) throw new Error('refusing to delete topics without a prefix');
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30_000 });
  } finally {
    await admin.disconnect();
  }
}
