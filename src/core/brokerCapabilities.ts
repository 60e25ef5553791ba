/**
 * The capabilities features use, each declaring which of its methods write. A broker kind offers
 * the ones it has (KafkaClusterClient.capabilities); features ask with `requireCapability`, menus
 * and the read-only guard read the declarations. Nothing here imports `vscode`.
 */
import type {
  BrokerClient,
  CreateTopicRequest,
  OutgoingMessage,
  ProduceOptions,
  ProduceResult,
  TailListener,
  TailOptions,
  TailSession,
} from './brokerClient';
import { type Capability, defineCapability } from './capabilities';
import type { OffsetResetPlan, OffsetResetTarget } from './clusterModel';
import type { ConversationTransport } from './conversationTransport';

/** Creating, deleting and changing topics. */
export interface TopicAdmin {
  createTopic(request: CreateTopicRequest): Promise<void>;
  deleteTopics(names: string[]): Promise<void>;
  addPartitions(topic: string, count: number): Promise<void>;
  /** Sets one topic config, or resets it to the inherited value when `value` is undefined. */
  setTopicConfig(topic: string, name: string, value: string | undefined): Promise<void>;
  /** Deletes records before the given offsets, or everything when no partitions are given. */
  purgeTopic(topic: string, partitions?: { partition: number; offset: string }[]): Promise<void>;
}

/** Consumer groups: deleting them and moving their committed offsets (planning is a read). */
export interface GroupAdmin {
  planOffsetReset(groupId: string, topic: string, target: OffsetResetTarget, partitions?: number[]): Promise<OffsetResetPlan>;
  applyOffsetReset(plan: OffsetResetPlan): Promise<void>;
  deleteConsumerGroup(groupId: string): Promise<void>;
}

/** Sending messages one by one (files, templates, repeats). */
export interface MessageProducer {
  produce(topic: string, messages: OutgoingMessage[], options?: ProduceOptions): Promise<ProduceResult[]>;
}

/** One partition's encoded record batch (uncompressed; the sender compresses when asked to). */
export interface BulkBatch {
  partition: number;
  batch: Buffer;
  count: number;
}

/**
 * What became of one partition's batch: its base offset (none with acks=0), or why it failed;
 * `unknown` when its request was written but not answered (it may be on the broker).
 */
export interface BulkOutcome {
  partition: number;
  offset?: string;
  error?: Error;
  unknown?: boolean;
}

/** A record header as bytes: name, and value (null for a header without a value). */
export type EncodedHeader = readonly [Uint8Array, Uint8Array | null];

/** Writes records into one batch of the kind's wire format (Kafka: a record batch v2). */
export interface BulkBatchEncoder {
  /** Records written so far. */
  readonly recordCount: number;
  /** Bytes written so far, header included. */
  readonly size: number;
  /** A record without key or headers whose value is src[start, end): the common case, no copies. */
  addValue(src: Uint8Array, start: number, end: number, timestamp: number): void;
  add(key: Uint8Array | null, value: Uint8Array | null, headers: readonly EncodedHeader[] | undefined, timestamp: number): void;
  /** The finished batch; the encoder is not used again. */
  finish(): Buffer;
}

/**
 * Sends encoded batches of one topic (one request per partition leader) and answers for each
 * partition; never rejects. It also encodes: the bulk pipeline stays free of the wire format.
 */
export interface BulkSender {
  send(batches: BulkBatch[]): Promise<BulkOutcome[]>;
  /** An empty batch expected to grow to about `capacity` bytes. */
  newBatch(capacity: number): BulkBatchEncoder;
  /** The records [from, to) of a finished batch, as a batch of their own (to isolate a refused record). */
  sliceBatch(batch: Buffer, from: number, to: number): Buffer;
}

/** The bulk path for large files: encoded batches straight to the partition leaders. */
export interface BulkProducing {
  /** One sender per run, closed after it. Opening one is the write: what it sends is not checked again. */
  openBulkSender(topic: string, options: ProduceOptions): Promise<BulkSender & { close(): Promise<void> }>;
}

/** Watching destinations in the tail panel. */
export interface Tailing {
  startTail(options: TailOptions, listener: TailListener): Promise<TailSession>;
}

/** Every capability key, in one place. */
export const Capabilities = {
  topicAdmin: defineCapability<TopicAdmin>('topicAdmin', 'topic administration', {
    createTopic: 'creating topics',
    deleteTopics: 'deleting topics',
    addPartitions: 'adding partitions',
    setTopicConfig: 'changing topic configs',
    purgeTopic: 'purging records',
  }),
  groupAdmin: defineCapability<GroupAdmin>('groupAdmin', 'consumer group administration', {
    planOffsetReset: false,
    applyOffsetReset: 'resetting offsets',
    deleteConsumerGroup: 'deleting consumer groups',
  }),
  produce: defineCapability<MessageProducer>('produce', 'producing messages', {
    produce: 'producing messages',
  }),
  bulkProduce: defineCapability<BulkProducing>('bulkProduce', 'producing large files', {
    openBulkSender: 'producing messages',
  }),
  tail: defineCapability<Tailing>('tail', 'tailing', {
    // A broadcast tail reads with a throwaway group and leaves nothing behind; a shared group
    // commits offsets, which moves where that group's real consumers continue.
    startTail: (options: TailOptions) =>
      options.group ? `consuming as the shared group "${options.group}" (it commits offsets; a broadcast tail changes nothing)` : false,
  }),
  conversations: defineCapability<ConversationTransport>('conversations', 'conversations', {
    send: 'sending messages (requests and replies)',
    listen: false,
    readWindow: false,
  }),
} as const;

/** The capability of a client, or an error a user can act on when its broker kind has none. */
export function requireCapability<T extends object>(client: BrokerClient, capability: Capability<T>): T {
  const implementation = client.capability(capability);
  if (!implementation) {
    throw new Error(`${capitalize(capability.title)} is not available for ${client.definition.kind} clusters ("${client.definition.name}").`);
  }
  return implementation;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
