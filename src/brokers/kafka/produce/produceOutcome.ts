/**
 * The produce calls of KafkaClusterClient, each answering exactly what became of its messages:
 * results when the broker acknowledged them; a DeliveryUnknownError when they may be on the
 * broker (a request was written but not answered); any other error when they were certainly not
 * written. None is raced against an outer timeout: a call ends only when no retry of it is left,
 * so nothing of a run can reach the broker after its summary.
 */
import type { Producer } from 'kafkajs';
import type { BulkSender } from '../../../core/brokerCapabilities';
import type { Logger, OutgoingMessage, ProduceOptions, ProduceResult } from '../../../core/brokerClient';
import { BrokerOperationError, DeliveryUnknownError } from '../../../core/errors';
import { headerBytes, keyBytes, valueBytes } from '../../../core/messageBytes';
import { describeBrokerError, errorChain } from '../client/errors';
import { compressionType } from '../codecs/codecs';
import { inexpressibleHeaders, toKafkajsMessage } from './produceMessages';
import { RecordBatchBuilder } from './recordBatch';

/** The idempotent producer's retries: safe (the broker drops a batch it already has), about 20 s in all. */
export const IDEMPOTENT_RETRY = { retries: 8, initialRetryTime: 300, maxRetryTime: 3_000 };

/** Broker answers after which the batch may still have been appended (or, idempotent, was appended before). */
const MAYBE_WRITTEN = new Set([
  'REQUEST_TIMED_OUT',
  'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'DUPLICATE_SEQUENCE_NUMBER',
  'UNKNOWN_PRODUCER_ID',
  'INVALID_PRODUCER_EPOCH',
]);


/** Words and logs a produce error as the client's other calls do, without dropping its connections. */
export function describeFailure(logger: Logger, operation: string, servers: readonly string[]): (error: unknown) => string {
  return (error) => {
    const message = describeBrokerError(error, operation, servers);
    logger.error(`${message} (${error instanceof Error ? (error.stack ?? error.message) : String(error)})`);
    return message;
  };
}

/**
 * Sends messages that have their partition as one record batch per partition. The sender
 * retries only batches certainly not written and reports the others unknown. With several
 * partitions and mixed outcomes the error wins (the pipeline sends one partition per call).
 */
export async function produceRecordBatches(topic: string, messages: readonly OutgoingMessage[], sender: BulkSender): Promise<ProduceResult[]> {
  const builders = new Map<number, RecordBatchBuilder>();
  const now = Date.now();
  for (const m of messages) {
    const partition = m.partition ?? 0;
    let builder = builders.get(partition);
    if (!builder) {
      builder = new RecordBatchBuilder(16 * 1024);
      builders.set(partition, builder);
    }
    builder.add(keyBytes(m), valueBytes(m), headerBytes(m.headers), m.timestamp === undefined ? now : Number(m.timestamp));
  }
  const outcomes = await sender.send([...builders].map(([partition, builder]) => ({ partition, count: builder.recordCount, batch: builder.finish() })));
  const failed = outcomes.find((o) => o.error && o.unknown) ?? outcomes.find((o) => o.error);
  if (failed?.error) {
    throw failed.error;
  }
  return outcomes.filter((o) => o.offset !== undefined).map((o) => ({ topic, partition: o.partition, offset: o.offset ?? '?' }));
}

/**
 * Whether a kafkajs producer error proves the messages were not written: the broker refused them
 * for good (too large, not authorized…). A refusal that could not depend on the attempt, so it
 * holds for every retry before it. Anything else (a lost connection, a timeout, retries used up)
 * leaves an earlier attempt possibly written.
 */
function certainlyRefused(error: unknown): boolean {
  const protocol = errorChain(error).find((e) => typeof e.type === 'string' && /^[A-Z_]+$/.test(e.type));
  const retriable = (protocol as { retriable?: boolean } | undefined)?.retriable;
  return protocol?.type !== undefined && retriable === false && !MAYBE_WRITTEN.has(protocol.type);
}

/** A kafkajs producer call, its failure sorted into certainly refused or unknown. */
async function sendClassified(
  topic: string,
  messages: readonly OutgoingMessage[],
  options: ProduceOptions,
  producer: () => Promise<Producer>,
  describe: (error: unknown) => string,
): Promise<ProduceResult[]> {
  const kafkajsMessages = messages.map(toKafkajsMessage);
  if (kafkajsMessages.some((m) => m === undefined)) {
    throw inexpressibleHeaders(topic, options.idempotent === true); // refused before sending: nothing was written
  }
  let connected: Producer;
  try {
    connected = await producer();
  } catch (error) {
    throw new BrokerOperationError(describe(error), error); // nothing was sent
  }
  try {
    const metadata = await connected.send({
      topic,
      acks: options.idempotent ? -1 : (options.acks ?? -1),
      compression: compressionType(options.compression),
      messages: kafkajsMessages.filter((m) => m !== undefined),
    });
    return metadata.map((m) => ({ topic, partition: m.partition, offset: m.baseOffset ?? '?' }));
  } catch (error) {
    const message = describe(error);
    if (certainlyRefused(error)) {
      throw new BrokerOperationError(message, error);
    }
    throw new DeliveryUnknownError(`${message} The messages may or may not be on the broker.`, error);
  }
}

/** Idempotent: kafkajs retries (IDEMPOTENT_RETRY) safely and the call waits for all of them. */
export function produceIdempotent(
  topic: string,
  messages: readonly OutgoingMessage[],
  options: ProduceOptions,
  producer: () => Promise<Producer>,
  describe: (error: unknown) => string,
): Promise<ProduceResult[]> {
  return sendClassified(topic, messages, { ...options, acks: -1 }, producer, describe);
}

/** Messages without a partition (no caller of the produce pipeline sends these): kafkajs' producer, classified. */
export function produceWithoutRetries(
  topic: string,
  messages: readonly OutgoingMessage[],
  options: ProduceOptions,
  producer: () => Promise<Producer>,
  describe: (error: unknown) => string,
): Promise<ProduceResult[]> {
  return sendClassified(topic, messages, options, producer, describe);
}
