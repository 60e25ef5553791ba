/**
 * OutgoingMessages as kafkajs producer messages, and the fallback for what kafkajs cannot say.
 *
 * kafkajs takes headers as an object and encodes them in `Object.keys` order, a repeated name's
 * values (an array) together (record/v0/index.js), so an interleaved repeat (a, b, a) or an
 * integer-like name after another name cannot be expressed, and a null value (a header without a
 * value) makes its encoder throw (it sizes the value with Buffer.byteLength). Such messages are
 * sent as record batches this extension encodes itself (recordBatch.ts, sent by bulkProducer.ts),
 * which write any list in order, null values as length -1.
 */
import type { IHeaders, Message } from 'kafkajs';
import type { OutgoingMessage, ProduceResult } from '../../../core/brokerClient';
import { BrokerOperationError } from '../../../core/errors';
import { type MessageHeader, headerList } from '../../../core/message';
import type { BulkBatch, BulkSender } from '../../../core/brokerCapabilities';
import { headerBytes, keyBytes, partitionKey, payloadBytes, valueBytes } from '../../../core/messageBytes';
import { keyPartitioner } from './partitioner';
import { RecordBatchBuilder } from './recordBatch';

/** The refusal for messages whose headers kafkajs' producer cannot write as they are; nothing was sent. */
export function inexpressibleHeaders(topic: string, idempotent: boolean): BrokerOperationError {
  return new BrokerOperationError(
    `Producing to "${topic}" failed: a message has a header without a value, or repeats a header name with other headers in between (or puts a numeric header name after another), which kafkajs' producer cannot send as written${idempotent ? '. Turn idempotence off for this send' : ''}.`,
  );
}

/** The kafkajs header object that encodes exactly this list, or undefined when none does. */
export function kafkajsHeaders(headers: readonly MessageHeader[]): IHeaders | undefined {
  const object: Record<string, Buffer[]> = Object.create(null) as Record<string, Buffer[]>;
  for (const h of headers) {
    // kafkajs 2.2.4 cannot size a null header value (Buffer.byteLength(null) throws in record/v0).
    if (h.value === null) {
      return undefined;
    }
    (object[h.name] ??= []).push(payloadBytes(h.value));
  }
  // What kafkajs will write: Object.keys order, each name's values together.
  const written = Object.keys(object).flatMap((name) => object[name].map(() => name));
  if (written.some((name, i) => name !== headers[i].name)) {
    return undefined;
  }
  const result: IHeaders = Object.create(null) as IHeaders;
  for (const name of Object.keys(object)) {
    result[name] = object[name].length === 1 ? object[name][0] : object[name];
  }
  return result;
}

/** The kafkajs message for `m`, or undefined when kafkajs would not write its headers in order. */
export function toKafkajsMessage(m: OutgoingMessage): Message | undefined {
  const list = headerList(m.headers);
  const headers = list.length === 0 ? undefined : kafkajsHeaders(list);
  if (list.length > 0 && headers === undefined) {
    return undefined;
  }
  return { key: keyBytes(m), value: valueBytes(m), headers, partition: m.partition, timestamp: m.timestamp };
}

/**
 * Sends messages as record batches (one per partition, in order): for messages kafkajs cannot
 * encode. `partitionOf` gives a message without a partition its partition (by key, else any).
 */
export async function produceAsRecordBatches(
  topic: string,
  messages: readonly OutgoingMessage[],
  partitionOf: (key: string | Buffer | undefined) => number,
  sender: BulkSender,
): Promise<ProduceResult[]> {
  const builders = new Map<number, RecordBatchBuilder>();
  const now = Date.now();
  for (const m of messages) {
    const partition = m.partition ?? partitionOf(partitionKey(m));
    let builder = builders.get(partition);
    if (!builder) {
      builder = new RecordBatchBuilder(1024);
      builders.set(partition, builder);
    }
    builder.add(keyBytes(m), valueBytes(m), headerBytes(m.headers), m.timestamp === undefined ? now : Number(m.timestamp));
  }
  const batches: BulkBatch[] = [...builders].map(([partition, builder]) => ({ partition, count: builder.recordCount, batch: builder.finish() }));
  const outcomes = await sender.send(batches);
  const failed = outcomes.find((o) => o.error);
  if (failed?.error) {
    throw failed.error;
  }
  return outcomes.map((o) => ({ topic, partition: o.partition, offset: o.offset ?? '?' }));
}

/**
 * Sends messages kafkajs' producer cannot write as they are through a one-off record-batch sender:
 * explicit partitions as given, keyed messages by Kafka's default partitioner, keyless ones rotating.
 */
export async function produceInOrder(
  topic: string,
  messages: readonly OutgoingMessage[],
  deps: { partitionCount: () => Promise<number>; sender: () => BulkSender & { close(): Promise<void> } },
): Promise<ProduceResult[]> {
  const count = messages.some((m) => m.partition === undefined) ? await deps.partitionCount() : 1;
  const byKey = keyPartitioner(count);
  let next = 0;
  const sender = deps.sender();
  try {
    return await produceAsRecordBatches(topic, messages, (key) => (key === undefined ? next++ % count : byKey(key)), sender);
  } finally {
    await sender.close();
  }
}
