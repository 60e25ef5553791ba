import { Kafka, Partitioners, logLevel, type Admin, type Producer } from 'kafkajs';
import {
  type BrokerClient,
  type ClusterDefinition,
  type ClusterSecrets,
  type CreateTopicRequest,
  type Logger,
  type OutgoingMessage,
  type ProduceOptions,
  type ProduceResult,
  type TailListener,
  type TailOptions,
  type TailSession,
  type TopicSummary,
} from '../../../core/brokerClient';
import type {
  ClusterDescription,
  ConfigEntry,
  ConsumerGroupDescription,
  ConsumerGroupSummary,
  OffsetResetPlan,
  OffsetResetTarget,
  TopicDescription,
} from '../../../core/clusterModel';
import { Capabilities } from '../../../core/brokerCapabilities';
import { type Capability, CapabilitySet } from '../../../core/capabilities';
import { BrokerOperationError } from '../../../core/errors';
import { withTimeout } from '../../../core/timeout';
import { KafkaMessageProducer } from '../produce/messageProducer';
import {
  addKafkaPartitions,
  applyKafkaOffsetReset,
  checkCreateTopicRequest,
  createKafkaTopic,
  deleteKafkaGroup,
  deleteKafkaTopics,
  planKafkaOffsetReset,
  purgeKafkaTopic,
  setKafkaTopicConfig,
} from '../admin/adminOperations';
import {
  describeKafkaCluster,
  describeKafkaConsumerGroup,
  describeKafkaTopic,
  describeKafkaTopicConfigs,
  listKafkaConsumerGroups,
} from '../admin/clusterInspector';
import { KafkaBulkProducer } from '../produce/bulkProducer';
import { IDEMPOTENT_RETRY } from '../produce/produceOutcome';
import { commitGroupOffsets } from '../admin/groupOffsets';
import { alterTopicConfigIncrementally } from '../admin/incrementalConfigs';
import { registerCompressionCodecs } from '../codecs/codecs';
import { KafkaConversationTransport } from '../conversations/conversations';
import { describeBrokerError } from './errors';
import { kafkaLogCreator } from './logBridge';
import { type SizeLimit, readMaxMessageBytes } from '../produce/messageSize';
import { TokenEndpointError } from '../auth/oauthToken';
import { buildSecurityOptions } from '../auth/security';
import { KafkaTailSession } from '../tail/tailSession';

export interface KafkaClientOptions {
  logger: Logger;
  /** Upper bound for any single user-visible broker call. */
  requestTimeoutMs?: number;
  /** Reads the cluster's password / key passphrase when the client first connects. */
  secrets?: () => Promise<ClusterSecrets>;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
// Few, short retries: a user waiting on the tree wants a clear answer in seconds.
const RETRY = { retries: 2, initialRetryTime: 200, maxRetryTime: 2_000 };

/**
 * One cluster's connection: a kafkajs instance with a lazily connected admin and producer,
 * reused by every caller until dispose. Every call is bounded by a timeout and rethrown as a
 * BrokerOperationError whose message a user can act on.
 */
export class KafkaClusterClient implements BrokerClient {
  /** Created on first use: secrets and certificate files are read asynchronously. */
  private kafkaPromise: Promise<Kafka> | undefined;
  private readonly secrets: () => Promise<ClusterSecrets>;
  private readonly logger: Logger;
  private readonly timeoutMs: number;
  private admin: Promise<Admin> | undefined;
  private producer: Promise<Producer> | undefined;
  private idempotentProducer: Promise<Producer> | undefined;
  private readonly tails = new Set<KafkaTailSession>();
  private readonly bulkProducers = new Set<KafkaBulkProducer>();
  /** Sends what produce() is given, over the raw senders and kafkajs' producers of this client. */
  private readonly messageProducer = new KafkaMessageProducer({
    logger: () => this.logger,
    servers: () => this.definition.bootstrapServers,
    connectedProducer: (idempotent) => this.connectedProducer(idempotent),
    partitionCount: async (topic) => (await this.describeTopic(topic)).partitions.length,
    bulkProducer: (topic, options) => this.bulkProducer(topic, options),
    maxMessageBytes: (topic) => this.maxMessageBytes(topic),
  });
  private conversationTransport: KafkaConversationTransport | undefined;
  private disposed = false;
  private disposing: Promise<void> | undefined;
  /** What this client offers through BrokerClient.capability; the methods themselves stay public for tests and benches. */
  private readonly capabilities = new CapabilitySet()
    .add(Capabilities.topicAdmin, this)
    .add(Capabilities.groupAdmin, this)
    .add(Capabilities.produce, this)
    .add(Capabilities.bulkProduce, { openBulkSender: (topic, options) => Promise.resolve(this.bulkProducer(topic, options)) })
    .add(Capabilities.tail, this)
    .add(Capabilities.conversations, {
      send: (topic, messages) => this.conversations().send(topic, messages),
      listen: (topics, onRecord, options) => this.conversations().listen(topics, onRecord, options),
      readWindow: (topics, fromTime, toTime, limits) => this.conversations().readWindow(topics, fromTime, toTime, limits),
    });

  constructor(
    readonly definition: ClusterDefinition,
    options: KafkaClientOptions,
  ) {
    this.logger = options.logger;
    this.timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    registerCompressionCodecs();
    this.secrets = options.secrets ?? (() => Promise.resolve({}));
  }

  private getKafka(): Promise<Kafka> {
    if (!this.kafkaPromise) {
      const created = this.createKafka();
      this.kafkaPromise = created;
      // A missing file or password must not stick: the next call tries again.
      created.catch(() => {
        if (this.kafkaPromise === created) {
          this.kafkaPromise = undefined;
        }
      });
    }
    return this.kafkaPromise;
  }

  /** `retry`: the connection's own (reconnecting included); the idempotent producer's is longer. */
  private async createKafka(retry: object = RETRY): Promise<Kafka> {
    // A token request gets half the operation's time, so a hanging token endpoint is named as such.
    const security = await buildSecurityOptions(this.definition, await this.secrets(), Math.min(5_000, this.timeoutMs / 2));
    return new Kafka({
      clientId: this.definition.clientId ?? 'mq-explorer',
      brokers: this.definition.bootstrapServers,
      ...security,
      connectionTimeout: Math.min(3_000, this.timeoutMs),
      authenticationTimeout: Math.min(5_000, this.timeoutMs),
      requestTimeout: this.timeoutMs,
      retry,
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

  describeCluster(): Promise<ClusterDescription> {
    return this.call('Describing the cluster', async () => describeKafkaCluster(await this.connectedAdmin()));
  }

  describeTopic(name: string): Promise<TopicDescription> {
    return this.call(`Describing topic "${name}"`, async () => describeKafkaTopic(await this.connectedAdmin(), name));
  }

  describeTopicConfigs(name: string): Promise<ConfigEntry[]> {
    return this.call(`Reading the configs of "${name}"`, async () =>
      describeKafkaTopicConfigs(await this.connectedAdmin(), name),
    );
  }

  listConsumerGroups(): Promise<ConsumerGroupSummary[]> {
    return this.call('Listing consumer groups', async () => listKafkaConsumerGroups(await this.connectedAdmin()));
  }

  describeConsumerGroup(groupId: string): Promise<ConsumerGroupDescription> {
    return this.call(`Describing consumer group "${groupId}"`, async () =>
      describeKafkaConsumerGroup(await this.connectedAdmin(), groupId),
    );
  }

  deleteTopics(names: string[]): Promise<void> {
    return this.call(`Deleting ${names.length === 1 ? `topic "${names[0]}"` : `${names.length} topics`}`, async () => {
      await deleteKafkaTopics(await this.connectedAdmin(), names);
      // A kafkajs producer keeps refreshing metadata of every topic it ever sent to, and an unknown
      // topic fails that refresh: start the producers afresh so the next send to any topic works.
      this.resetProducers();
    });
  }

  addPartitions(topic: string, count: number): Promise<void> {
    return this.call(`Adding partitions to "${topic}"`, async () => addKafkaPartitions(await this.connectedAdmin(), topic, count));
  }

  setTopicConfig(topic: string, name: string, value: string | undefined): Promise<void> {
    const operation = value === undefined ? `Resetting ${name} of "${topic}"` : `Setting ${name} of "${topic}"`;
    return this.call(operation, async () =>
      setKafkaTopicConfig(await this.connectedAdmin(), topic, name, value, async () => alterTopicConfigIncrementally(await this.getKafka(), topic, name, value)),
    );
  }

  purgeTopic(topic: string, partitions?: { partition: number; offset: string }[]): Promise<void> {
    return this.call(`Purging records of "${topic}"`, async () => purgeKafkaTopic(await this.connectedAdmin(), topic, partitions));
  }

  deleteConsumerGroup(groupId: string): Promise<void> {
    return this.call(`Deleting consumer group "${groupId}"`, async () => deleteKafkaGroup(await this.connectedAdmin(), groupId));
  }

  planOffsetReset(groupId: string, topic: string, target: OffsetResetTarget, partitions?: number[]): Promise<OffsetResetPlan> {
    return this.call(`Planning an offset reset of "${groupId}"`, async () =>
      planKafkaOffsetReset(await this.connectedAdmin(), groupId, topic, target, partitions),
    );
  }

  applyOffsetReset(plan: OffsetResetPlan): Promise<void> {
    const offsets = plan.rows.map((r) => ({ partition: r.partition, offset: r.next }));
    return this.call(`Resetting offsets of "${plan.groupId}"`, async () =>
      applyKafkaOffsetReset(await this.connectedAdmin(), plan, async () => commitGroupOffsets(await this.getKafka(), plan.groupId, plan.topic, offsets)),
    );
  }

  async createTopic(request: CreateTopicRequest): Promise<void> {
    checkCreateTopicRequest(request);
    await this.call(`Creating topic "${request.name}"`, async () =>
      createKafkaTopic(await this.connectedAdmin(), request, { timeoutMs: this.timeoutMs, logger: this.logger }),
    );
  }

  /** Produces messages and answers exactly (see messageProducer.ts). */
  produce(topic: string, messages: OutgoingMessage[], options: ProduceOptions = {}): Promise<ProduceResult[]> {
    if (this.disposed) {
      return Promise.reject(new BrokerOperationError(`Producing to "${topic}" failed: the connection to "${this.definition.name}" was closed.`));
    }
    return this.messageProducer.produce(topic, messages, options);
  }

  /**
   * A sender of encoded record batches for one bulk produce run (bulkProducer.ts), on this
   * cluster's config (security included); it connects on its first send. Not for idempotent
   * producing. Close it when done.
   */
  bulkProducer(topic: string, options: ProduceOptions = {}): KafkaBulkProducer {
    const producer = new KafkaBulkProducer({
      kafka: () => this.getKafka(),
      topic,
      produce: options,
      timeoutMs: this.timeoutMs,
      retry: RETRY,
      servers: this.definition.bootstrapServers,
      logger: this.logger,
      maxMessageBytes: () => this.maxMessageBytes(topic),
      onClose: () => this.bulkProducers.delete(producer),
    });
    this.bulkProducers.add(producer);
    return producer;
  }

  async startTail(options: TailOptions, listener: TailListener): Promise<TailSession> {
    const kafka = await this.call(`Connecting to ${this.definition.name}`, () => this.getKafka());
    const session = new KafkaTailSession(kafka, options, listener, this.logger, {
      topicOffsets: async (topic) => {
        const admin = await this.connectedAdmin();
        const offsets = await withTimeout(admin.fetchTopicOffsets(topic), this.timeoutMs, `Reading the offsets of ${topic}`);
        return offsets.map((o) => ({ partition: o.partition, low: o.low, high: o.high }));
      },
      offsetsAtTime: async (topic, timestamp) => {
        const admin = await this.connectedAdmin();
        return withTimeout(admin.fetchTopicOffsetsByTimestamp(topic, timestamp), this.timeoutMs, `Finding offsets of ${topic} by time`);
      },
      listTopics: async () => {
        const admin = await this.connectedAdmin();
        return withTimeout(admin.listTopics(), this.timeoutMs, 'Listing topics');
      },
      deleteGroup: (groupId) => this.deleteGroup(groupId, 'Deleting the tail group'),
      onStopped: (s) => this.tails.delete(s),
    });
    this.tails.add(session);
    await this.call(`Starting to tail ${options.topics.join(', ')}`, () => session.start());
    return session;
  }

  /** Byte-level send/listen/read for request-reply, responders and traces (the conversations capability). */
  conversations(): KafkaConversationTransport {
    this.conversationTransport ??= new KafkaConversationTransport(
      {
        kafka: () => this.getKafka(),
        admin: () => this.connectedAdmin(),
        producer: () => this.connectedProducer(),
        call: (operation, work) => this.call(operation, work),
        deleteGroup: (groupId) => this.deleteGroup(groupId, 'Deleting the group'),
      },
      this.logger,
    );
    return this.conversationTransport;
  }

  capability<T extends object>(capability: Capability<T>): T | undefined {
    return this.capabilities.get(capability);
  }

  capabilityIds(): string[] {
    return this.capabilities.ids();
  }

  /** Closes everything; a second call returns the same promise, so every caller can wait for the end. */
  dispose(): Promise<void> {
    this.disposing ??= this.close();
    return this.disposing;
  }

  private async close(): Promise<void> {
    this.disposed = true;
    await this.conversationTransport?.close();
    await Promise.allSettled([...this.tails].map((tail) => tail.stop()));
    await Promise.allSettled([...this.bulkProducers].map((producer) => producer.close()));
    const closing: Promise<void>[] = [];
    if (this.admin) {
      closing.push(this.admin.then((a) => a.disconnect()));
    }
    if (this.producer) {
      closing.push(this.producer.then((p) => p.disconnect()));
    }
    if (this.idempotentProducer) {
      closing.push(this.idempotentProducer.then((p) => p.disconnect()));
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
      // A token endpoint failure is a connection failure too: the next call must ask it again.
      if (!(error instanceof BrokerOperationError) || error instanceof TokenEndpointError) {
        this.resetConnections();
      }
      throw new BrokerOperationError(message, error);
    }
  }

  private resetConnections(): void {
    const admin = this.admin;
    this.admin = undefined;
    void admin?.then((a) => a.disconnect()).catch(() => undefined);
    this.resetProducers();
  }

  private resetProducers(): void {
    this.messageProducer.dropSenders();
    for (const producer of [this.producer, this.idempotentProducer]) {
      void producer?.then((p) => p.disconnect()).catch(() => undefined);
    }
    this.producer = undefined;
    this.idempotentProducer = undefined;
  }

  /** Deletes a throwaway group, also while closing (tails and responders stop then). */
  private async deleteGroup(groupId: string, operation: string): Promise<void> {
    const admin = await this.connectedAdmin();
    await withTimeout(admin.deleteGroups([groupId]), this.timeoutMs, operation);
  }

  private async maxMessageBytes(topic: string): Promise<SizeLimit | undefined> {
    const admin = await this.connectedAdmin().catch(() => undefined);
    return admin && readMaxMessageBytes(admin, topic);
  }

  private connectedAdmin(): Promise<Admin> {
    if (!this.admin) {
      this.admin = this.getKafka().then(async (kafka) => {
        const admin = kafka.admin({ retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 2_000 } });
        await admin.connect();
        return admin;
      });
      this.admin.catch(() => undefined);
    }
    return this.admin;
  }

  private connectedProducer(idempotent = false): Promise<Producer> {
    if (idempotent) {
      if (!this.idempotentProducer) {
        // kafkajs guarantees ordering without duplicates only with one request in flight. Its own
        // Kafka instance: reconnecting after a lost connection retries as long as sending does
        // (kafkajs gives up on the send when a reconnect runs out of the connection's retries).
        this.idempotentProducer = this.createKafka(IDEMPOTENT_RETRY).then(async (kafka) => {
          const producer = kafka.producer({
            allowAutoTopicCreation: false,
            createPartitioner: Partitioners.DefaultPartitioner,
            idempotent: true,
            maxInFlightRequests: 1,
            // Retries are safe here (the broker drops a batch it already has): enough to ride out a
            // broker restart, bounded so that the produce call, which waits for them, ends.
            retry: IDEMPOTENT_RETRY,
          });
          await producer.connect();
          return producer;
        });
        this.idempotentProducer.catch(() => undefined);
      }
      return this.idempotentProducer;
    }
    if (!this.producer) {
      this.producer = this.getKafka().then(async (kafka) => {
        const producer = kafka.producer({
          allowAutoTopicCreation: false,
          createPartitioner: Partitioners.DefaultPartitioner,
        });
        await producer.connect();
        return producer;
      });
      this.producer.catch(() => undefined);
    }
    return this.producer;
  }
}
