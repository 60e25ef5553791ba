/**
 * The small provider interface every broker kind implements (Kafka today, RabbitMQ next).
 * Nothing here imports `vscode`: UI code depends on this, never the reverse.
 */

import type { Capability } from './capabilities';
import type {
  ClusterDescription,
  ConfigEntry,
  ConsumerGroupDescription,
  ConsumerGroupSummary,
  TopicDescription,
} from './clusterModel';
import type { HeaderInput, MessageHeader, TimestampType } from './message';

/** Where log lines from a client go; the extension bridges it to its LogOutputChannel. */
export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A logger that drops everything (tests and benchmarks that don't care). */
export const silentLogger: Logger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/**
 * The id of a registered broker kind ("kafka"); src/brokers/registry.ts lists them. A connection of
 * a kind this build does not register is refused with a sentence (BrokerKindRegistry.get).
 */
export type BrokerKind = string;

export type SaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512' | 'oauthbearer';

/** The SASL mechanisms that authenticate with a user name and password. */
export type PasswordSaslMechanism = Exclude<SaslMechanism, 'oauthbearer'>;

/** SASL with a user name and password; the password lives in SecretStorage, never here. */
export interface PasswordSaslSettings {
  mechanism: PasswordSaslMechanism;
  username: string;
}

/**
 * SASL/OAUTHBEARER with the OAuth 2.0 client-credentials grant: the client asks `tokenEndpoint`
 * for an access token and presents it to the brokers. The client secret lives in SecretStorage
 * (as the cluster's `password` secret), never here.
 */
export interface OAuthBearerSettings {
  mechanism: 'oauthbearer';
  /** The http(s) URL of the identity provider's token endpoint. */
  tokenEndpoint: string;
  /** The OAuth client id (not a Kafka client id). */
  clientId: string;
  /** Space-separated scopes to request; omitted when the provider needs none. */
  scope?: string;
  /** SASL extensions sent beside the token (RFC 7628), e.g. Confluent Cloud's logicalCluster and identityPoolId. */
  extensions?: Record<string, string>;
}

/** SASL settings; secrets live in SecretStorage, never here. */
export type SaslSettings = PasswordSaslSettings | OAuthBearerSettings;

/** How the UI and logs name a cluster's SASL settings, e.g. "SASL PLAIN as alice". Never a secret. */
export function describeSasl(sasl: SaslSettings): string {
  return sasl.mechanism === 'oauthbearer'
    ? `SASL OAUTHBEARER as client ${sasl.clientId} via ${sasl.tokenEndpoint}`
    : `SASL ${sasl.mechanism.toUpperCase()} as ${sasl.username}`;
}

/**
 * TLS settings. Present = TLS on. No CA file = the system's CAs. Certificate and key = mutual TLS
 * (a key passphrase, if any, lives in SecretStorage). skipVerify accepts any certificate: unsafe.
 */
export interface TlsSettings {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  skipVerify?: boolean;
}

/** How to reach one cluster. Secrets are never part of this record (see ConnectionService). */
export interface ClusterDefinition {
  /** Stable id, unique among clusters. */
  id: string;
  name: string;
  kind: BrokerKind;
  /** host:port entries. */
  bootstrapServers: string[];
  clientId?: string;
  sasl?: SaslSettings;
  tls?: TlsSettings;
  /** Every write (create, delete, config, purge, reset, produce) is refused. */
  readOnly?: boolean;
}

/** Secrets a client asks for when it connects; read from SecretStorage by the connection service. */
export interface ClusterSecrets {
  /** The SASL password, or the OAuth client secret with SASL/OAUTHBEARER. */
  password?: string;
  keyPassphrase?: string;
}

export interface TopicSummary {
  name: string;
  partitionCount: number;
  /** Names starting with `__` (offsets, transactions) and other broker-owned topics. */
  internal: boolean;
}

export interface CreateTopicRequest {
  name: string;
  partitions: number;
  replicationFactor: number;
  /** Topic config overrides, e.g. { 'retention.ms': '3600000' }. */
  configs?: Record<string, string>;
}

export interface OutgoingMessage {
  /** Absent: no key (null). "" is an empty key. */
  key?: string;
  /** 'base64': `key` holds the key's bytes as base64 (bytes that are not UTF-8). */
  keyEncoding?: 'base64';
  /** null: a tombstone (deletes the key on a compacted topic). */
  value: string | null;
  /** 'base64': `value` holds the value's bytes as base64. */
  valueEncoding?: 'base64';
  /** In order; a name may repeat and a value may be null. `{ name: "text" }` is accepted too (see headerList). */
  headers?: HeaderInput;
  partition?: number;
  /** Milliseconds since epoch, as a decimal string; the producer's clock when omitted. */
  timestamp?: string;
}

/** How a produce call is sent; every field optional, so `produce(topic, messages)` keeps its meaning. */
export interface ProduceOptions {
  compression?: 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';
  /** -1 = all in-sync replicas (default), 1 = the leader only, 0 = no acknowledgement (no offsets then). */
  acks?: -1 | 0 | 1;
  /** Idempotent producer (no duplicates on retry); forces acks = -1. */
  idempotent?: boolean;
}

export interface ProduceResult {
  topic: string;
  partition: number;
  offset: string;
}

/** One message as the tail shows it: text fields only, so rendering never executes content. */
export interface TailMessage {
  topic: string;
  partition: number;
  offset: string;
  /** Milliseconds since epoch, as the broker stored it. */
  timestamp: number;
  timestampType: TimestampType;
  /** null: the record has no key ("" is an empty key). */
  key: string | null;
  value: string | null;
  /** In the record's order (names may repeat, values may be null); NO_HEADERS when there are none. */
  headers: readonly MessageHeader[];
  /** Size of the value in bytes (before decoding). */
  size: number;
  /** The key's bytes were not UTF-8: `key` holds them as base64. */
  keyBinary?: boolean;
  /** The value's bytes were not UTF-8: `value` holds them as base64. */
  valueBinary?: boolean;
}

/** Where a tail starts: `fromBeginning` picks between the first two when `start` is not given. */
export type TailStart = 'latest' | 'earliest' | 'timestamp' | 'offsets';

/** Push: messages stream in as they arrive. Pull: nothing is fetched until `fetchNext` asks. */
export type TailMode = 'push' | 'pull';

export interface TailOptions {
  topics: string[];
  fromBeginning: boolean;
  /** Where to start in given partitions of the first topic (e.g. at produced offsets); overrides fromBeginning there. */
  startOffsets?: { partition: number; offset: string }[];
  /** Also tail every topic whose name matches this regex (resolved at start, then every 30 s). */
  topicPattern?: string;
  /** Overrides fromBeginning: latest, earliest, the first offset at `timestamp`, or `offsets`. */
  start?: TailStart;
  /** Milliseconds since epoch, for start = 'timestamp'. */
  timestamp?: number;
  /** Exact offsets for start = 'offsets' (topic defaults to the first); partitions not listed start at the end. */
  offsets?: { topic?: string; partition: number; offset: string }[];
  /** Only these partitions (of every tailed topic); all when absent. */
  partitions?: number[];
  /** Default 'push'. */
  mode?: TailMode;
  /**
   * A shared, named consumer group (competing consumers: this tail gets its share and commits).
   * Absent: broadcast, a throwaway group that commits nothing and is deleted on stop.
   */
  group?: string;
}

export type TailState = 'connecting' | 'running' | 'paused' | 'stopped' | 'failed';

/** Messages between where the tail is and the end of its partitions (those it knows about). */
export interface TailLag {
  total: number;
  partitions: { topic: string; partition: number; position: string; end: string }[];
}

export interface TailListener {
  onMessages(batch: TailMessage[]): void;
  onState(state: TailState, detail?: string): void;
  /** Optional: lag updates (after fetches and on refreshLag). */
  onLag?(lag: TailLag): void;
}

/** How a tail consumes: broadcast (throwaway group, no commits) or a shared named group (commits). */
export interface TailIdentity {
  kind: 'broadcast' | 'shared';
  groupId: string;
}

/** A running consumer; a broadcast one commits nothing and leaves nothing behind when stopped. */
export interface TailSession {
  readonly id: string;
  readonly identity: TailIdentity;
  /** The topics actually tailed (the list plus what the pattern matched). */
  readonly topics: readonly string[];
  readonly mode: TailMode;
  pause(): void;
  resume(): void;
  /** Pull mode: fetches up to `count` more messages (fewer when the tail catches up); resolves with how many. */
  fetchNext(count: number): Promise<number>;
  /** Reads the partitions' end offsets again and reports the lag. */
  refreshLag(): Promise<TailLag>;
  stop(): Promise<void>;
}

/**
 * The neutral client every broker kind implements: what it is, how to describe it, and which
 * capabilities it has. Everything that writes is reached through a capability whose declaration
 * says so (see capabilities.ts and brokerCapabilities.ts), never as a method of this interface,
 * so the read-only guard cannot miss one.
 */
export interface BrokerClient {
  readonly definition: ClusterDefinition;
  listTopics(): Promise<TopicSummary[]>;
  describeCluster(): Promise<ClusterDescription>;
  describeTopic(name: string): Promise<TopicDescription>;
  describeTopicConfigs(name: string): Promise<ConfigEntry[]>;
  listConsumerGroups(): Promise<ConsumerGroupSummary[]>;
  describeConsumerGroup(groupId: string): Promise<ConsumerGroupDescription>;
  /** The client's implementation of a capability, or undefined when its kind has none. */
  capability<T extends object>(capability: Capability<T>): T | undefined;
  /** The ids of the capabilities it has (for context keys, logs and tests). */
  capabilityIds(): string[];
  /** Closes every connection the client opened. Safe to call twice. */
  dispose(): Promise<void>;
}
