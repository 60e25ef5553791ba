/**
 * What the explorer shows about a cluster, broker-kind neutral where it can be. Kafka fills all of
 * it; a later broker kind fills what applies (RabbitMQ: no partitions, queues instead of groups).
 */

export interface BrokerInfo {
  id: number;
  host: string;
  port: number;
  rack: string | null;
  isController: boolean;
}

export interface ClusterDescription {
  clusterId: string;
  controllerId: number | null;
  brokers: BrokerInfo[];
}

export interface PartitionInfo {
  partition: number;
  /** -1 when the partition has no leader. */
  leader: number;
  replicas: number[];
  isr: number[];
  offlineReplicas: number[];
  /** Low watermark: the first offset still stored. */
  earliest: string;
  /** High watermark: the offset the next message will get. */
  latest: string;
  /** latest - earliest: exact for plain topics; an upper bound with compaction or transactions. */
  messageCount: string;
}

export interface TopicDescription {
  name: string;
  partitions: PartitionInfo[];
}

/** Where a config value comes from, most specific first. */
export type ConfigOrigin = 'topic' | 'dynamic-broker' | 'dynamic-default-broker' | 'static-broker' | 'default' | 'unknown';

export interface ConfigEntry {
  name: string;
  /** null for sensitive values the broker does not reveal. */
  value: string | null;
  origin: ConfigOrigin;
  isDefault: boolean;
  sensitive: boolean;
  readOnly: boolean;
}

export interface PartitionLag {
  topic: string;
  partition: number;
  /** Committed offset of the group. */
  committed: string;
  /** High watermark of the partition. */
  end: string;
  lag: string;
}

export interface GroupMember {
  memberId: string;
  clientId: string;
  host: string;
  assignment: { topic: string; partitions: number[] }[];
}

export interface ConsumerGroupSummary {
  groupId: string;
  state: string;
  protocolType: string;
  protocol: string;
  memberCount: number;
  /** Sum of the lag over committed partitions, as a decimal string (offsets exceed 2^53). */
  totalLag: string;
}

export interface ConsumerGroupDescription extends ConsumerGroupSummary {
  members: GroupMember[];
  offsets: PartitionLag[];
}

/** Where to move a group's committed offsets. */
export type OffsetResetTarget =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'timestamp'; timestamp: number }
  | { kind: 'offset'; offset: string };

/** The preview of an offset reset, one row per partition. */
export interface OffsetResetPlan {
  groupId: string;
  topic: string;
  target: OffsetResetTarget;
  rows: {
    partition: number;
    /** Committed offset now, '-1' when none. */
    current: string;
    next: string;
    /** null when nothing was committed. */
    lagBefore: string | null;
    lagAfter: string;
  }[];
}
