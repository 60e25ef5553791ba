import { type Admin, ConfigResourceTypes } from 'kafkajs';
import type { CreateTopicRequest, Logger } from '../../../core/brokerClient';
import type { OffsetResetPlan, OffsetResetTarget } from '../../../core/clusterModel';
import { BrokerOperationError } from '../../../core/errors';
import { describeKafkaTopicConfigs } from './clusterInspector';
import { errorChain } from '../client/errors';
import { validateTopicName } from './topicName';

/**
 * Write operations on topics and groups. Each checks what the broker would refuse in words first
 * (so the user learns the reason, not a protocol code) and leaves nothing half-done.
 */

/** Refuses, in words and before anything is sent, a name or count the broker would refuse. */
export function checkCreateTopicRequest(request: CreateTopicRequest): void {
  const invalid = validateTopicName(request.name);
  if (invalid) {
    throw new BrokerOperationError(`Cannot create topic: ${invalid}`);
  }
  if (!Number.isInteger(request.partitions) || request.partitions < 1) {
    throw new BrokerOperationError('Cannot create topic: partitions must be a whole number of at least 1.');
  }
  if (!Number.isInteger(request.replicationFactor) || request.replicationFactor < 1) {
    throw new BrokerOperationError('Cannot create topic: replication factor must be a whole number of at least 1.');
  }
}

/**
 * Creates a topic and returns once it is usable: every partition has a leader that answers, and
 * the topic is listed. `timeoutMs` bounds the wait for leaders.
 */
export async function createKafkaTopic(admin: Admin, request: CreateTopicRequest, wait: { timeoutMs: number; logger: Logger }): Promise<void> {
  const { brokers } = await admin.describeCluster();
  if (request.replicationFactor > brokers.length) {
    throw new BrokerOperationError(
      `Cannot create topic "${request.name}": replication factor is larger than the number of available brokers (${request.replicationFactor} > ${brokers.length}).`,
    );
  }
  // kafkajs' own waitForLeaders can fail on multi-node KRaft while metadata spreads; we poll instead.
  const created = await admin.createTopics({
    topics: [
      {
        topic: request.name,
        numPartitions: request.partitions,
        replicationFactor: request.replicationFactor,
        configEntries: Object.entries(request.configs ?? {}).map(([name, value]) => ({ name, value })),
      },
    ],
    waitForLeaders: false,
  });
  if (!created) {
    throw new BrokerOperationError(`Cannot create topic: a topic named "${request.name}" already exists.`);
  }
  await waitForLeaders(admin, request.name, wait);
}

/**
 * Whether every partition's leader answers for it. Metadata names a leader a moment before that
 * broker acts as one; a produce in between fails on one partition, and kafkajs then retries the
 * whole request, writing the other partitions twice (seen on Kafka 4.4, 4 topics in 40).
 */
async function leadersServe(admin: Admin, topic: string, logger: Logger): Promise<boolean> {
  try {
    await admin.fetchTopicOffsets(topic);
    return true;
  } catch (error) {
    logger.debug(`Leaders of ${topic} do not answer yet: ${String(error)}`);
    return false;
  }
}

/**
 * Waits until the new topic has leaders and is listed. Each metadata request goes to some
 * broker, and brokers learn of a topic a moment apart; several answers in a row make it very
 * likely that the tree's next listing, whichever broker answers it, shows the topic.
 */
async function waitForLeaders(admin: Admin, topic: string, { timeoutMs, logger }: { timeoutMs: number; logger: Logger }): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let confirmations = 0;
  while (Date.now() < deadline) {
    try {
      const [metadata, listed] = await Promise.all([admin.fetchTopicMetadata({ topics: [topic] }), admin.listTopics()]);
      const partitions = metadata.topics[0]?.partitions ?? [];
      confirmations = partitions.length > 0 && partitions.every((p) => p.leader >= 0) && listed.includes(topic) ? confirmations + 1 : 0;
      if (confirmations >= 3 && (await leadersServe(admin, topic, logger))) {
        return;
      }
      if (confirmations > 0) {
        continue;
      }
    } catch (error) {
      logger.debug(`Waiting for leaders of ${topic}: ${String(error)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new BrokerOperationError(`Topic "${topic}" was created, but its partitions have no leader yet.`);
}

/** Deletes topics; refuses names that do not exist before deleting any. */
export async function deleteKafkaTopics(admin: Admin, names: string[]): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = names.filter((n) => !existing.has(n));
  if (missing.length > 0) {
    throw new BrokerOperationError(`Nothing was deleted: ${missing.map((n) => `"${n}"`).join(', ')} ${missing.length === 1 ? 'does' : 'do'} not exist.`);
  }
  await admin.deleteTopics({ topics: names });
}

/** Raises the partition count; Kafka cannot lower it, so a smaller or equal count is refused. */
export async function addKafkaPartitions(admin: Admin, topic: string, count: number): Promise<void> {
  const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
  const current = metadata.topics[0]?.partitions.length ?? 0;
  if (!Number.isInteger(count) || count <= current) {
    throw new BrokerOperationError(`"${topic}" has ${current} partitions; the new count must be larger (Kafka cannot remove partitions).`);
  }
  await admin.createPartitions({ topicPartitions: [{ topic, count }] });
}

/**
 * Sets (value) or resets (undefined) one topic config: with `incremental` (IncrementalAlterConfigs,
 * incrementalConfigs.ts) only that entry changes; otherwise kafkajs' AlterConfigs replaces every
 * override, so the current overrides are read and sent back with the one change.
 */
export async function setKafkaTopicConfig(
  admin: Admin,
  topic: string,
  name: string,
  value: string | undefined,
  /** Changes only that entry (IncrementalAlterConfigs); false when the brokers cannot. */
  incremental?: () => Promise<boolean>,
): Promise<void> {
  const entries = await describeKafkaTopicConfigs(admin, topic);
  const entry = entries.find((e) => e.name === name);
  if (!entry) {
    throw new BrokerOperationError(`"${name}" is not a topic config Kafka knows.`);
  }
  if (entry.readOnly) {
    throw new BrokerOperationError(`"${name}" is read-only and cannot be changed on a topic.`);
  }
  if (!(await incremental?.())) {
    // Brokers before Kafka 2.3: AlterConfigs replaces every override, so the others are sent back
    // as read (a change another tool makes in between is lost; a hidden sensitive value would be).
    if (entries.some((e) => e.origin === 'topic' && e.sensitive)) {
      throw new BrokerOperationError(`"${topic}" has a sensitive override whose value the broker hides; change it with the broker's own tools.`);
    }
    const overrides = entries
      .filter((e) => e.origin === 'topic' && e.name !== name)
      .map((e) => ({ name: e.name, value: e.value ?? '' }));
    if (value !== undefined) {
      overrides.push({ name, value });
    }
    await admin.alterConfigs({
      validateOnly: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: overrides }],
    });
  }
  // The change reaches every broker a moment later; wait (bounded) so the next read shows it.
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    const now = (await describeKafkaTopicConfigs(admin, topic)).find((e) => e.name === name);
    if (value === undefined ? now?.origin !== 'topic' : now?.origin === 'topic' && now.value === value) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Deletes records before `offset` on the given partitions, or everything (offset '-1' = up to the end). */
export async function purgeKafkaTopic(admin: Admin, topic: string, partitions?: { partition: number; offset: string }[]): Promise<void> {
  await admin.fetchTopicMetadata({ topics: [topic] });
  const before = await admin.fetchTopicOffsets(topic);
  const targets = partitions ?? before.map((p) => ({ partition: p.partition, offset: '-1' }));
  let refusal: string | undefined;
  try {
    await admin.deleteTopicRecords({ topic, partitions: targets });
  } catch (error) {
    // kafkajs wraps its per-partition error (retry and bail wrappers): find the one that lists partitions.
    const withPartitions = errorChain(error).find((e) => Array.isArray((e as { partitions?: unknown }).partitions));
    const partitionErrors = (withPartitions as { partitions?: { error?: { type?: string } }[] } | undefined)?.partitions;
    if (!partitionErrors) {
      throw error;
    }
    refusal = [...new Set(partitionErrors.map((p) => p.error?.type).filter(Boolean))].join(', ');
  }
  // Check that the start of each partition moved, whatever kafkajs reported.
  const after = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.low)]));
  const stuck = targets.filter((t) => {
    const wanted = t.offset === '-1' ? BigInt(before.find((b) => b.partition === t.partition)?.high ?? '0') : BigInt(t.offset);
    return (after.get(t.partition) ?? 0n) < wanted;
  });
  if (stuck.length > 0 || refusal) {
    const cleanup = (await describeKafkaTopicConfigs(admin, topic)).find((c) => c.name === 'cleanup.policy')?.value ?? '';
    const why = cleanup.includes('compact')
      ? ` Kafka refuses to delete records of a compacted topic (cleanup.policy=${cleanup}).`
      : ` The broker answered ${refusal || 'without moving the start'}.`;
    const where = stuck.length > 0 ? ` on partition ${stuck.map((s) => s.partition).join(', ')}` : '';
    throw new BrokerOperationError(`The records of "${topic}" were not deleted${where}.${why}`);
  }
}

/** Deletes a consumer group, only when no member is connected (naming them otherwise). */
export async function deleteKafkaGroup(admin: Admin, groupId: string): Promise<void> {
  const { groups } = await admin.describeGroups([groupId]);
  const group = groups[0];
  if (!group || group.state === 'Dead') {
    throw new BrokerOperationError(`The consumer group "${groupId}" does not exist.`);
  }
  if (group.members.length > 0) {
    throw new BrokerOperationError(
      `"${groupId}" still has ${group.members.length} active member(s): ${group.members.map((m) => `${m.clientId} on ${m.clientHost.replace(/^\//, '')}`).join(', ')}. Stop them first.`,
    );
  }
  await admin.deleteGroups([groupId]);
}

/**
 * What resetting a group's offsets on a topic would do, partition by partition: current committed
 * offset and lag, the new offset and lag. Refused while the group has members (Kafka would too).
 */
export async function planKafkaOffsetReset(
  admin: Admin,
  groupId: string,
  topic: string,
  target: OffsetResetTarget,
  partitions?: number[],
): Promise<OffsetResetPlan> {
  const { groups } = await admin.describeGroups([groupId]);
  const members = groups[0]?.members ?? [];
  if (members.length > 0) {
    throw new BrokerOperationError(
      `Offsets of "${groupId}" can only be reset while the group is empty; active: ${members.map((m) => m.clientId).join(', ')}.`,
    );
  }
  const watermarks = await admin.fetchTopicOffsets(topic);
  const committed = (await admin.fetchOffsets({ groupId, topics: [topic] }))[0]?.partitions ?? [];
  const byTime =
    target.kind === 'timestamp' ? new Map((await admin.fetchTopicOffsetsByTimestamp(topic, target.timestamp)).map((o) => [o.partition, o.offset])) : undefined;
  const chosen = watermarks.filter((w) => !partitions || partitions.includes(w.partition));
  if (partitions && chosen.length !== partitions.length) {
    throw new BrokerOperationError(`"${topic}" has no partition ${partitions.filter((p) => !watermarks.some((w) => w.partition === p)).join(', ')}.`);
  }
  const rows = chosen
    .map((w) => {
      const low = BigInt(w.low);
      const high = BigInt(w.high);
      const current = committed.find((c) => c.partition === w.partition)?.offset ?? '-1';
      let next: bigint;
      switch (target.kind) {
        case 'earliest':
          next = low;
          break;
        case 'latest':
          next = high;
          break;
        case 'timestamp':
          next = BigInt(byTime?.get(w.partition) ?? w.high);
          break;
        case 'offset':
          next = BigInt(target.offset);
          break;
      }
      // Kafka accepts any offset; outside the watermarks the consumer would reset on its own, so clamp.
      next = next < low ? low : next > high ? high : next;
      const lagBefore = current === '-1' ? null : (high - BigInt(current)).toString();
      return { partition: w.partition, current, next: next.toString(), lagBefore, lagAfter: (high - next).toString() };
    })
    .sort((a, b) => a.partition - b.partition);
  return { groupId, topic, target, rows };
}

/**
 * Commits the planned offsets: with `commit` as an administrator's OffsetCommit (groupOffsets.ts,
 * refused as a whole if a consumer joined since the plan); otherwise, or when the coordinator cannot,
 * with kafkajs' setOffsets, which joins the group for a moment.
 */
export async function applyKafkaOffsetReset(admin: Admin, plan: OffsetResetPlan, commit?: () => Promise<boolean>): Promise<void> {
  if (await commit?.()) {
    return;
  }
  await admin.setOffsets({ groupId: plan.groupId, topic: plan.topic, partitions: plan.rows.map((r) => ({ partition: r.partition, offset: r.next })) });
}
