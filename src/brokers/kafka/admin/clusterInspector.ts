import { type Admin, AssignerProtocol, ConfigResourceTypes, ConfigSource } from 'kafkajs';
import type {
  ClusterDescription,
  ConfigEntry,
  ConfigOrigin,
  ConsumerGroupDescription,
  ConsumerGroupSummary,
  GroupMember,
  PartitionLag,
  TopicDescription,
} from '../../../core/clusterModel';
import { retryWhileSpreading } from '../client/metadataRetry';

/**
 * Read-only questions the explorer asks a Kafka cluster. Each function makes few requests:
 * one metadata or describe call, plus one offsets call per topic involved.
 */

/** Brokers with the controller marked; racks come from each broker's `broker.rack` config. */
export async function describeKafkaCluster(admin: Admin): Promise<ClusterDescription> {
  const cluster = await admin.describeCluster();
  const racks = await brokerRacks(
    admin,
    cluster.brokers.map((b) => b.nodeId),
  );
  return {
    clusterId: cluster.clusterId,
    controllerId: cluster.controller,
    brokers: cluster.brokers
      .map((b) => ({
        id: b.nodeId,
        host: b.host,
        port: b.port,
        rack: racks.get(b.nodeId) ?? null,
        isController: b.nodeId === cluster.controller,
      }))
      .sort((a, b) => a.id - b.id),
  };
}

async function brokerRacks(admin: Admin, ids: number[]): Promise<Map<number, string>> {
  const racks = new Map<number, string>();
  try {
    const response = await admin.describeConfigs({
      resources: ids.map((id) => ({ type: ConfigResourceTypes.BROKER, name: String(id), configNames: ['broker.rack'] })),
      includeSynonyms: false,
    });
    for (const resource of response.resources) {
      const value = resource.configEntries.find((e) => e.configName === 'broker.rack')?.configValue;
      if (value) {
        racks.set(Number(resource.resourceName), value);
      }
    }
  } catch {
    // Racks are a nicety: a user without DescribeConfigs on brokers still sees the brokers.
  }
  return racks;
}

/**
 * Partitions with leader, replicas, ISR, watermarks and message counts. Brokers learn about a
 * new topic a moment apart, so "unknown topic" right after a create is retried briefly.
 */
export async function describeKafkaTopic(admin: Admin, topic: string): Promise<TopicDescription> {
  const [metadata, offsets] = await retryWhileSpreading(() =>
    Promise.all([admin.fetchTopicMetadata({ topics: [topic] }), admin.fetchTopicOffsets(topic)]),
  );
  const byPartition = new Map(offsets.map((o) => [o.partition, o]));
  const partitions = (metadata.topics[0]?.partitions ?? [])
    .map((p) => {
      const o = byPartition.get(p.partitionId);
      const earliest = o?.low ?? '0';
      const latest = o?.high ?? '0';
      return {
        partition: p.partitionId,
        leader: p.leader,
        replicas: [...p.replicas].sort((a, b) => a - b),
        isr: [...p.isr].sort((a, b) => a - b),
        offlineReplicas: [...(p.offlineReplicas ?? [])].sort((a, b) => a - b),
        earliest,
        latest,
        messageCount: (BigInt(latest) - BigInt(earliest)).toString(),
      };
    })
    .sort((a, b) => a.partition - b.partition);
  return { name: topic, partitions };
}

const ORIGINS: Record<number, ConfigOrigin> = {
  [ConfigSource.TOPIC_CONFIG]: 'topic',
  [ConfigSource.DYNAMIC_BROKER_CONFIG]: 'dynamic-broker',
  [ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG]: 'dynamic-default-broker',
  [ConfigSource.STATIC_BROKER_CONFIG]: 'static-broker',
  [ConfigSource.DEFAULT_CONFIG]: 'default',
};

/** Every config of a topic, sorted by name, with where its value comes from. */
export async function describeKafkaTopicConfigs(admin: Admin, topic: string): Promise<ConfigEntry[]> {
  const response = await admin.describeConfigs({
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
    includeSynonyms: false,
  });
  const entries = response.resources[0]?.configEntries ?? [];
  return entries
    .map((e) => ({
      name: e.configName,
      value: e.isSensitive ? null : e.configValue,
      origin: ORIGINS[e.configSource] ?? 'unknown',
      isDefault: e.isDefault || e.configSource === ConfigSource.DEFAULT_CONFIG,
      sensitive: e.isSensitive,
      readOnly: e.readOnly,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Every consumer group with its state, member count and total lag. */
export async function listKafkaConsumerGroups(admin: Admin): Promise<ConsumerGroupSummary[]> {
  const { groups } = await admin.listGroups();
  if (groups.length === 0) {
    return [];
  }
  const descriptions = await admin.describeGroups(groups.map((g) => g.groupId));
  const endOffsets = new EndOffsets(admin);
  const summaries = await Promise.all(
    descriptions.groups.map(async (g) => {
      const offsets = await groupLag(admin, g.groupId, endOffsets);
      return {
        groupId: g.groupId,
        state: g.state,
        protocolType: g.protocolType,
        protocol: g.protocol,
        memberCount: g.members.length,
        totalLag: sumLag(offsets),
      };
    }),
  );
  return summaries.sort((a, b) => a.groupId.localeCompare(b.groupId));
}

/** One group in full: members with their assignments, and committed offset and lag per partition. */
export async function describeKafkaConsumerGroup(admin: Admin, groupId: string): Promise<ConsumerGroupDescription> {
  const { groups } = await admin.describeGroups([groupId]);
  const group = groups[0];
  if (!group || group.state === 'Dead') {
    throw new Error(`The consumer group "${groupId}" does not exist (any more).`);
  }
  const offsets = await groupLag(admin, groupId, new EndOffsets(admin));
  const members: GroupMember[] = group.members
    .map((m) => ({
      memberId: m.memberId,
      clientId: m.clientId,
      host: m.clientHost.replace(/^\//, ''),
      assignment: group.protocolType === 'consumer' ? decodeAssignment(m.memberAssignment) : [],
    }))
    .sort((a, b) => a.clientId.localeCompare(b.clientId) || a.memberId.localeCompare(b.memberId));
  return {
    groupId,
    state: group.state,
    protocolType: group.protocolType,
    protocol: group.protocol,
    memberCount: members.length,
    totalLag: sumLag(offsets),
    members,
    offsets,
  };
}

/** High watermarks, fetched once per topic however many groups read it. */
class EndOffsets {
  private readonly topics = new Map<string, Promise<Map<number, string>>>();
  constructor(private readonly admin: Admin) {}

  get(topic: string): Promise<Map<number, string>> {
    let entry = this.topics.get(topic);
    if (!entry) {
      entry = this.admin.fetchTopicOffsets(topic).then((o) => new Map(o.map((p) => [p.partition, p.high])));
      this.topics.set(topic, entry);
    }
    return entry;
  }
}

async function groupLag(admin: Admin, groupId: string, ends: EndOffsets): Promise<PartitionLag[]> {
  const committed = await admin.fetchOffsets({ groupId });
  const rows: PartitionLag[] = [];
  for (const { topic, partitions } of committed) {
    const end = await ends.get(topic).catch(() => new Map<number, string>());
    for (const p of partitions) {
      if (p.offset === '-1') {
        continue;
      }
      const high = end.get(p.partition) ?? p.offset;
      const lag = BigInt(high) - BigInt(p.offset);
      rows.push({ topic, partition: p.partition, committed: p.offset, end: high, lag: (lag < 0n ? 0n : lag).toString() });
    }
  }
  return rows.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
}

function sumLag(rows: PartitionLag[]): string {
  return rows.reduce((total, row) => total + BigInt(row.lag), 0n).toString();
}

/** A consumer's assignment as the group protocol encodes it; empty when it cannot be read. */
export function decodeAssignment(buffer: Buffer): { topic: string; partitions: number[] }[] {
  if (!buffer || buffer.length === 0) {
    return [];
  }
  try {
    const decoded = AssignerProtocol.MemberAssignment.decode(buffer);
    return Object.entries(decoded?.assignment ?? {})
      .map(([topic, partitions]) => ({ topic, partitions: [...partitions].sort((a, b) => a - b) }))
      .sort((a, b) => a.topic.localeCompare(b.topic));
  } catch {
    return [];
  }
}

