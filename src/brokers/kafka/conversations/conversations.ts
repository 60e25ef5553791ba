/**
 * Kafka side of conversations: byte-level send, "from now on" consumers with throwaway groups
 * deleted on stop, and bounded reads of a time window (offsets by timestamp). No `vscode`.
 */
import { randomUUID } from 'node:crypto';
import type { Admin, Consumer, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { Logger } from '../../../core/brokerClient';
import type {
  ConversationTransport,
  ListenOptions,
  RawOutgoing,
  RawRecord,
  RecordStream,
  WindowRead,
} from '../../../core/conversationTransport';
import { retryWhileSpreading } from '../client/metadataRetry';
import { orderedHeaders } from '../tail/recordHeaders';

/** What the transport borrows from its cluster client (shared connections, bounded calls). */
export interface ConversationTransportHooks {
  kafka(): Promise<Kafka>;
  admin(): Promise<Admin>;
  producer(): Promise<Producer>;
  /** Runs one broker call with the client's deadline and error wording. */
  call<T>(operation: string, work: () => Promise<T>): Promise<T>;
  /**
   * Deletes a throwaway group with the client's deadline. Not through `call`: a closing client
   * refuses new calls, and its streams delete their groups while it closes.
   */
  deleteGroup(groupId: string): Promise<void>;
}

/** A fetched message with its headers in order, null values kept (a null once crashed every listener). */
function toRecord(topic: string, partition: number, m: KafkaMessage): RawRecord {
  return { topic, partition, offset: m.offset, timestamp: Number(m.timestamp), key: m.key, value: m.value, headers: orderedHeaders(m) };
}

export class KafkaConversationTransport implements ConversationTransport {
  private readonly streams = new Set<RecordStream>();

  constructor(
    private readonly hooks: ConversationTransportHooks,
    private readonly logger: Logger,
  ) {}

  async send(topic: string, messages: RawOutgoing[]): Promise<void> {
    await this.hooks.call(`Sending to "${topic}"`, async () => {
      const producer = await this.hooks.producer();
      await producer.send({
        topic,
        messages: messages.map((m) => ({
          key: m.key ?? null,
          value: m.value,
          headers: m.headers,
          timestamp: m.timestamp === undefined ? undefined : String(m.timestamp),
        })),
      });
    });
  }

  async listen(topics: string[], onRecord: (record: RawRecord) => void, options: ListenOptions): Promise<RecordStream> {
    // Positions read now: kafkajs would resolve "latest" only after the group join, losing what arrives in between.
    const starts = await this.hooks.call(`Reading the end offsets of ${topics.join(', ')}`, () => this.endOffsets(topics));
    const kafka = await this.hooks.kafka();
    const groupId = `${options.groupPrefix}${randomUUID()}`;
    const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 100, retry: { retries: 5 } });
    const stream = this.track(consumer, groupId);
    this.seekOnJoin(consumer, starts);
    consumer.on(consumer.events.CRASH, (event) => {
      if (!event.payload.restart) {
        options.onError?.(event.payload.error);
        void stream.stop();
      }
    });
    try {
      await this.hooks.call(`Listening on ${topics.join(', ')}`, async () => {
        await consumer.connect();
        await consumer.subscribe({ topics, fromBeginning: true });
        await consumer.run({
          autoCommit: false,
          eachBatch: ({ batch }) => {
            const start = starts.get(`${batch.topic}:${batch.partition}`) ?? 0n;
            for (const m of batch.messages) {
              // A fetch issued before the seek landed may carry older records: drop them.
              if (BigInt(m.offset) >= start) {
                onRecord(toRecord(batch.topic, batch.partition, m));
              }
            }
            return Promise.resolve();
          },
        });
      });
    } catch (error) {
      await stream.stop();
      throw error;
    }
    return stream;
  }

  async readWindow(topics: string[], fromTime: number, toTime: number, limits: { maxRecords: number; timeoutMs: number }): Promise<WindowRead> {
    const ranges = await this.hooks.call(`Finding offsets by time in ${topics.join(', ')}`, async () => {
      const admin = await this.hooks.admin();
      const found = new Map<string, { start: bigint; end: bigint }>();
      for (const topic of topics) {
        const [starts, ends] = await Promise.all([admin.fetchTopicOffsetsByTimestamp(topic, fromTime), admin.fetchTopicOffsets(topic)]);
        for (const { partition, high } of ends) {
          const start = BigInt(starts.find((s) => s.partition === partition)?.offset ?? high);
          if (start < BigInt(high)) {
            found.set(`${topic}:${partition}`, { start, end: BigInt(high) });
          }
        }
      }
      return found;
    });
    if (ranges.size === 0) {
      return { records: [], complete: true };
    }
    const kafka = await this.hooks.kafka();
    const groupId = `mq-explorer-trace-${randomUUID()}`;
    const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 100, retry: { retries: 5 } });
    const stream = this.track(consumer, groupId);
    this.seekOnJoin(consumer, new Map([...ranges].map(([key, range]) => [key, range.start])));
    const records: RawRecord[] = [];
    const pending = new Set(ranges.keys());
    let finish: (complete: boolean) => void = () => undefined;
    const finished = new Promise<boolean>((resolve) => (finish = resolve));
    const deadline = setTimeout(() => finish(false), limits.timeoutMs);
    try {
      await this.hooks.call(`Reading ${topics.join(', ')}`, async () => {
        await consumer.connect();
        await consumer.subscribe({ topics, fromBeginning: true });
        await consumer.run({
          autoCommit: false,
          eachBatch: ({ batch }) => {
            const key = `${batch.topic}:${batch.partition}`;
            const range = ranges.get(key);
            if (!range || !pending.has(key)) {
              // Nothing of this partition lies in the window (or it is read already).
              consumer.pause([{ topic: batch.topic, partitions: [batch.partition] }]);
              return Promise.resolve();
            }
            for (const m of batch.messages) {
              const offset = BigInt(m.offset);
              const timestamp = Number(m.timestamp);
              if (offset >= range.start && offset < range.end && timestamp >= fromTime && timestamp <= toTime) {
                records.push(toRecord(batch.topic, batch.partition, m));
              }
            }
            // lastOffset() counts control records too, so transactional topics finish as well.
            if (BigInt(batch.lastOffset()) >= range.end - 1n) {
              pending.delete(key);
              consumer.pause([{ topic: batch.topic, partitions: [batch.partition] }]);
            }
            if (pending.size === 0) {
              finish(true);
            } else if (records.length >= limits.maxRecords) {
              finish(false);
            }
            return Promise.resolve();
          },
        });
      });
      const complete = await finished;
      return { records, complete };
    } finally {
      clearTimeout(deadline);
      await stream.stop();
    }
  }

  /** Stops every consumer this transport started (the client is closing). */
  async close(): Promise<void> {
    await Promise.allSettled([...this.streams].map((s) => s.stop()));
  }

  private async endOffsets(topics: string[]): Promise<Map<string, bigint>> {
    const admin = await this.hooks.admin();
    const starts = new Map<string, bigint>();
    for (const topic of topics) {
      // A request or reply topic may have been created a moment ago (by another tool too).
      for (const { partition, high } of await retryWhileSpreading(() => admin.fetchTopicOffsets(topic))) {
        starts.set(`${topic}:${partition}`, BigInt(high));
      }
    }
    return starts;
  }

  /** Seeks each newly assigned partition to its recorded start, once (a rebalance must not replay). */
  private seekOnJoin(consumer: Consumer, starts: Map<string, bigint>): void {
    const positioned = new Set<string>();
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      for (const [topic, partitions] of Object.entries(event.payload.memberAssignment)) {
        for (const partition of partitions) {
          const key = `${topic}:${partition}`;
          const start = starts.get(key);
          if (start !== undefined && !positioned.has(key)) {
            positioned.add(key);
            consumer.seek({ topic, partition, offset: start.toString() });
          }
        }
      }
    });
  }

  /** A stream whose stop disconnects the consumer, then deletes its group, once. */
  private track(consumer: Consumer, groupId: string): RecordStream {
    let stopping: Promise<void> | undefined;
    const stream: RecordStream = {
      groupId,
      stop: () => {
        stopping ??= (async () => {
          try {
            await consumer.disconnect();
            await this.hooks.deleteGroup(groupId);
          } catch (error) {
            this.logger.warn(`Could not remove consumer group ${groupId}: ${String(error)}`);
          } finally {
            this.streams.delete(stream);
          }
        })();
        return stopping;
      },
    };
    this.streams.add(stream);
    return stream;
  }
}
