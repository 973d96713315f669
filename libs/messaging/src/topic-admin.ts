import type { Kafka } from 'kafkajs';
import type { TopicSpec } from '@hive/contracts';

/**
 * Creates the topics that do not exist yet with the partitions, retention and
 * cleanup policy of their specs, and waits until every one has a leader.
 * Existing topics are left as they are. Right after a creation (by this
 * process or another service starting at the same moment) a busy broker may
 * still answer UNKNOWN_TOPIC_OR_PARTITION for a while: such retriable answers
 * are waited out, for up to `timeoutMs`, instead of failing the service's boot.
 */
export async function ensureTopics(kafka: Kafka, specs: readonly TopicSpec[], prefix = '', timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      await createMissing(kafka, specs, prefix);
      return;
    } catch (error) {
      const retriable = (error as { retriable?: unknown }).retriable === true || /does not host this topic-partition|leader/i.test((error as Error).message);
      if (!retriable || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, 100 * 2 ** attempt)));
    }
  }
}

async function createMissing(kafka: Kafka, specs: readonly TopicSpec[], prefix: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((spec) => !existing.has(prefix + spec.name));
    if (missing.length > 0) {
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
    }
    // Every topic answers with a leader for every partition before the service goes on.
    const metadata = await admin.fetchTopicMetadata({ topics: specs.map((spec) => prefix + spec.name) });
    const leaderless = metadata.topics.filter((topic) => topic.partitions.some((partition) => partition.leader < 0));
    if (leaderless.length > 0) throw Object.assign(new Error(`no leader yet for ${leaderless.map((topic) => topic.name).join(', ')}`), { retriable: true });
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
