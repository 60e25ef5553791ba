import { randomUUID } from 'node:crypto';
import type { Consumer, EachBatchPayload, IHeaders, Kafka } from 'kafkajs';
import type { Logger, TailListener, TailMessage, TailOptions, TailSession } from '../core/brokerClient';

export interface TailSessionHooks {
  /** The next offset each partition of a topic will get (its high watermark). */
  latestOffsets(topic: string): Promise<{ partition: number; offset: string }[]>;
  /** Removes the session's throwaway consumer group once the consumer has left it. */
  deleteGroup(groupId: string): Promise<void>;
  onStopped(session: KafkaTailSession): void;
}

/** Prefix of every tail group, so leftovers are recognisable on a cluster. */
export const TAIL_GROUP_PREFIX = 'mq-explorer-tail-';

/**
 * A consumer for looking, not for processing: a unique throwaway group, no offset commits,
 * and the group deleted on stop, so the cluster keeps no trace of the panel.
 */
export class KafkaTailSession implements TailSession {
  readonly id = randomUUID();
  readonly groupId = `${TAIL_GROUP_PREFIX}${this.id}`;
  private readonly consumer: Consumer;
  private stopping: Promise<void> | undefined;
  /**
   * Where a "new messages only" tail starts, per topic-partition, read when the user asked.
   * kafkajs would resolve "latest" only after the group join, losing what arrives in between.
   */
  private readonly startOffsets = new Map<string, bigint>();
  private readonly positioned = new Set<string>();

  constructor(
    kafka: Kafka,
    private readonly options: TailOptions,
    private readonly listener: TailListener,
    private readonly logger: Logger,
    private readonly hooks: TailSessionHooks,
  ) {
    this.consumer = kafka.consumer({
      groupId: this.groupId,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 250,
      retry: { retries: 5 },
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, (event) => {
      this.positionAt(event.payload.memberAssignment);
      this.listener.onState('running');
    });
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      const { error, restart } = event.payload;
      this.logger.error(`Tail ${this.groupId} crashed: ${error.message}${restart ? ' (restarting)' : ''}`);
      this.listener.onState(restart ? 'connecting' : 'failed', error.message);
    });
  }

  /** Connects and subscribes; resolves once the consumer is running (messages may follow later). */
  async start(): Promise<void> {
    this.listener.onState('connecting');
    if (!this.options.fromBeginning) {
      for (const topic of this.options.topics) {
        for (const { partition, offset } of await this.hooks.latestOffsets(topic)) {
          this.startOffsets.set(`${topic}:${partition}`, BigInt(offset));
        }
      }
    }
    const [firstTopic] = this.options.topics;
    for (const { partition, offset } of this.options.startOffsets ?? []) {
      this.startOffsets.set(`${firstTopic}:${partition}`, BigInt(offset));
    }
    await this.consumer.connect();
    // With no committed offsets, "earliest" is where a fresh group starts; a live tail seeks past it on join.
    await this.consumer.subscribe({ topics: this.options.topics, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: true,
      eachBatch: async (payload) => this.deliver(payload),
    });
  }

  pause(): void {
    this.consumer.pause(this.options.topics.map((topic) => ({ topic })));
    this.listener.onState('paused');
  }

  resume(): void {
    this.consumer.resume(this.options.topics.map((topic) => ({ topic })));
    this.listener.onState('running');
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    try {
      await this.consumer.disconnect();
      await this.hooks.deleteGroup(this.groupId);
    } catch (error) {
      this.logger.warn(`Could not remove tail group ${this.groupId}: ${String(error)}`);
    } finally {
      this.listener.onState('stopped');
      this.hooks.onStopped(this);
    }
  }

  /** Seeks newly assigned partitions to the recorded start, once each (a rebalance must not replay). */
  private positionAt(assignment: Record<string, number[]>): void {
    for (const [topic, partitions] of Object.entries(assignment)) {
      for (const partition of partitions) {
        const key = `${topic}:${partition}`;
        const start = this.startOffsets.get(key);
        if (start !== undefined && !this.positioned.has(key)) {
          this.positioned.add(key);
          this.consumer.seek({ topic, partition, offset: start.toString() });
        }
      }
    }
  }

  private deliver({ batch }: EachBatchPayload): Promise<void> {
    const start = this.startOffsets.get(`${batch.topic}:${batch.partition}`);
    // A fetch issued before the seek landed may still carry older records: drop them.
    const fresh = start === undefined ? batch.messages : batch.messages.filter((m) => BigInt(m.offset) >= start);
    if (fresh.length === 0) {
      return Promise.resolve();
    }
    const rows: TailMessage[] = fresh.map((m) => ({
      topic: batch.topic,
      partition: batch.partition,
      offset: m.offset,
      timestamp: Number(m.timestamp),
      key: m.key ? m.key.toString('utf8') : null,
      value: m.value ? m.value.toString('utf8') : null,
      headers: decodeHeaders(m.headers),
      size: m.value?.length ?? 0,
    }));
    this.listener.onMessages(rows);
    return Promise.resolve();
  }
}

/** Header values arrive as Buffers (or arrays of them when a name repeats); the tail shows text. */
export function decodeHeaders(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers ?? {})) {
    const values = Array.isArray(raw) ? raw : [raw];
    result[name] = values
      .filter((v): v is Buffer | string => v !== undefined)
      .map((v) => v.toString())
      .join(', ');
  }
  return result;
}
