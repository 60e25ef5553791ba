import { Kafka, Partitioners, logLevel, type Admin, type Producer } from 'kafkajs';
import {
  type BrokerClient,
  type ClusterDefinition,
  type CreateTopicRequest,
  type Logger,
  type OutgoingMessage,
  type ProduceResult,
  type TailListener,
  type TailOptions,
  type TailSession,
  type TopicSummary,
} from '../core/brokerClient';
import { BrokerOperationError } from '../core/errors';
import { withTimeout } from '../core/timeout';
import { describeBrokerError } from './errors';
import { kafkaLogCreator } from './logBridge';
import { KafkaTailSession } from './tailSession';
import { validateTopicName } from './topicName';

export interface KafkaClientOptions {
  logger: Logger;
  /** Upper bound for any single user-visible broker call. */
  requestTimeoutMs?: number;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/**
 * One cluster's connection: a kafkajs instance with a lazily connected admin and producer,
 * reused by every caller until dispose. Every call is bounded by a timeout and rethrown as a
 * BrokerOperationError whose message a user can act on.
 */
export class KafkaClusterClient implements BrokerClient {
  private readonly kafka: Kafka;
  private readonly logger: Logger;
  private readonly timeoutMs: number;
  private admin: Promise<Admin> | undefined;
  private producer: Promise<Producer> | undefined;
  private readonly tails = new Set<KafkaTailSession>();
  private disposed = false;

  constructor(
    readonly definition: ClusterDefinition,
    options: KafkaClientOptions,
  ) {
    this.logger = options.logger;
    this.timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.kafka = new Kafka({
      clientId: definition.clientId ?? 'mq-explorer',
      brokers: definition.bootstrapServers,
      connectionTimeout: Math.min(3_000, this.timeoutMs),
      requestTimeout: this.timeoutMs,
      // Few, short retries: a user waiting on the tree wants a clear answer in seconds.
      retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 2_000 },
      logLevel: logLevel.INFO,
      logCreator: kafkaLogCreator(this.logger),
    });
  }

  async listTopics(): Promise<TopicSummary[]> {
    return this.call('Listing topics', async () => {
      const admin = await this.connectedAdmin();
      const metadata = await admin.fetchTopicMetadata();
      return metadata.topics
        .map((topic) => ({
          name: topic.name,
          partitionCount: topic.partitions.length,
          internal: topic.name.startsWith('__'),
        }))
        .sort((a, b) => a.name.localeCompare(b.name));
    });
  }

  async createTopic(request: CreateTopicRequest): Promise<void> {
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
    await this.call(`Creating topic "${request.name}"`, async () => {
      const admin = await this.connectedAdmin();
      // kafkajs' own waitForLeaders can fail on multi-node KRaft while metadata spreads; we poll instead.
      const created = await admin.createTopics({
        topics: [
          { topic: request.name, numPartitions: request.partitions, replicationFactor: request.replicationFactor },
        ],
        waitForLeaders: false,
      });
      if (!created) {
        throw new BrokerOperationError(`Cannot create topic: a topic named "${request.name}" already exists.`);
      }
      await this.waitForLeaders(admin, request.name);
    });
  }

  async produce(topic: string, messages: OutgoingMessage[]): Promise<ProduceResult[]> {
    return this.call(`Producing to "${topic}"`, async () => {
      const producer = await this.connectedProducer();
      const metadata = await producer.send({
        topic,
        messages: messages.map((m) => ({
          key: m.key,
          value: m.value,
          headers: m.headers,
          partition: m.partition,
        })),
      });
      return toProduceResults(topic, metadata);
    });
  }

  async startTail(options: TailOptions, listener: TailListener): Promise<TailSession> {
    const session = new KafkaTailSession(this.kafka, options, listener, this.logger, {
      latestOffsets: async (topic) => {
        const admin = await this.connectedAdmin();
        const offsets = await admin.fetchTopicOffsets(topic);
        return offsets.map((o) => ({ partition: o.partition, offset: o.high }));
      },
      deleteGroup: async (groupId) => {
        const admin = await this.connectedAdmin();
        await withTimeout(admin.deleteGroups([groupId]), this.timeoutMs, 'Deleting the tail group');
      },
      onStopped: (s) => this.tails.delete(s),
    });
    this.tails.add(session);
    await this.call(`Starting to tail ${options.topics.join(', ')}`, () => session.start());
    return session;
  }

  async dispose(): Promise<void> {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    await Promise.allSettled([...this.tails].map((tail) => tail.stop()));
    const closing: Promise<void>[] = [];
    if (this.admin) {
      closing.push(this.admin.then((a) => a.disconnect()));
    }
    if (this.producer) {
      closing.push(this.producer.then((p) => p.disconnect()));
    }
    await Promise.allSettled(closing);
  }

  /** Runs one operation with a deadline; on failure drops the shared connections so the next call starts clean. */
  private async call<T>(operation: string, work: () => Promise<T>): Promise<T> {
    if (this.disposed) {
      throw new BrokerOperationError(`${operation} failed: the connection to "${this.definition.name}" was closed.`);
    }
    try {
      return await withTimeout(work(), this.timeoutMs, operation);
    } catch (error) {
      const message = describeBrokerError(error, operation, this.definition.bootstrapServers);
      this.logger.error(`${message} (${error instanceof Error ? (error.stack ?? error.message) : String(error)})`);
      if (!(error instanceof BrokerOperationError)) {
        this.resetConnections();
      }
      throw new BrokerOperationError(message, error);
    }
  }

  private resetConnections(): void {
    const admin = this.admin;
    const producer = this.producer;
    this.admin = undefined;
    this.producer = undefined;
    void admin?.then((a) => a.disconnect()).catch(() => undefined);
    void producer?.then((p) => p.disconnect()).catch(() => undefined);
  }

  private connectedAdmin(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin({ retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 2_000 } });
      this.admin = admin.connect().then(() => admin);
      this.admin.catch(() => undefined);
    }
    return this.admin;
  }

  private connectedProducer(): Promise<Producer> {
    if (!this.producer) {
      const producer = this.kafka.producer({
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      this.producer = producer.connect().then(() => producer);
      this.producer.catch(() => undefined);
    }
    return this.producer;
  }

  private async waitForLeaders(admin: Admin, topic: string): Promise<void> {
    const deadline = Date.now() + this.timeoutMs;
    while (Date.now() < deadline) {
      try {
        const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
        const partitions = metadata.topics[0]?.partitions ?? [];
        if (partitions.length > 0 && partitions.every((p) => p.leader >= 0)) {
          return;
        }
      } catch (error) {
        this.logger.debug(`Waiting for leaders of ${topic}: ${String(error)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new BrokerOperationError(`Topic "${topic}" was created, but its partitions have no leader yet.`);
  }
}

/** kafkajs reports one record per partition written, with the offset of its first message. */
function toProduceResults(topic: string, metadata: { partition: number; baseOffset?: string }[]): ProduceResult[] {
  return metadata.map((m) => ({ topic, partition: m.partition, offset: m.baseOffset ?? '?' }));
}
