/**
 * Sends a stream of messages in batches with a bounded number of batches in flight, and accounts
 * for every message: sent (with exact partition/offset ranges), failed (with its line), or not
 * sent because the run was cancelled or stopped. Pure: the send function is injected.
 */
import { partitionKey } from '../core/messageBytes';
import type { OutgoingMessage, ProduceResult } from '../core/brokerClient';
import { ProduceAccounting, type ProduceSummary } from './accounting';
import type { SourceIssue, SourceMessage } from './types';

export interface PipelineOptions {
  batchSize: number;
  /** A batch is also sent once its values reach this many bytes (brokers refuse batches above max.message.bytes, 1 MB by default). */
  maxBatchBytes?: number;
  maxInFlight: number;
  /** Partitions of the topic: messages without one get one here, so offsets can be accounted exactly. */
  partitionCount: number;
  /** Partition for a keyed message (Kafka's murmur2 default partitioner in production). */
  partitionForKey: (key: string | Buffer) => number;
  isCancelled?: () => boolean;
  /** Messages that must not be sent (e.g. they break the contract): a reason, or undefined. */
  reject?: (message: SourceMessage) => string | undefined;
  onProgress?: (progress: { sent: number; failed: number }) => void;
  /** Whether a send error concerns single messages (too large…), so the batch is retried one by one. */
  isPerMessageError?: (error: unknown) => boolean;
}

export type { PartitionRange, ProduceFailure, ProduceSummary } from './accounting';

/** A batch is also cut once its values and keys reach this many characters. */
export const DEFAULT_MAX_BATCH_BYTES = 512 * 1024;

/** Whether a send error concerns single messages (too large, corrupt), so its batch is retried in halves. */
export function isPerMessageSendError(error: unknown): boolean {
  return /larger than|CORRUPT|INVALID_RECORD|too large/i.test(error instanceof Error ? error.message : String(error));
}

/**
 * Why a message cannot go to its explicit partition (the topic has fewer), or undefined. kafkajs
 * would leave such a message out of the request without a word, and it would count as sent.
 */
export function missingPartition(partition: number | undefined, partitionCount: number): string | undefined {
  return partition !== undefined && partition >= partitionCount
    ? `Partition ${partition} does not exist: the topic has ${partitionCount} partition${partitionCount === 1 ? '' : 's'} (0 to ${partitionCount - 1}).`
    : undefined;
}

/** Produces every item of `source` through `send` and returns exact counts. */
export async function producePipeline(
  source: AsyncIterable<SourceMessage | SourceIssue> | Iterable<SourceMessage | SourceIssue>,
  topic: string,
  send: (messages: OutgoingMessage[]) => Promise<ProduceResult[]>,
  options: PipelineOptions,
): Promise<ProduceSummary> {
  const accounting = new ProduceAccounting(options.onProgress);
  const summary = accounting.summary;
  const inFlight = new Set<Promise<void>>();
  let batch: SourceMessage[] = [];
  let batchBytes = 0;
  let batchNumber = 0;
  const maxBatchBytes = options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES;
  const fail = (at: { line: number; column: number }, reason: string): void => accounting.fail(at, reason);

  const record = (messages: OutgoingMessage[], results: ProduceResult[]): void => {
    const perPartition = new Map<number, number>();
    for (const m of messages) {
      perPartition.set(m.partition ?? -1, (perPartition.get(m.partition ?? -1) ?? 0) + 1);
    }
    // The first message's partition first, so `first` says where the run's first message went.
    const firstPartition = messages[0]?.partition;
    const ordered = results.length > 1 ? [...results].sort((x, y) => Number(y.partition === firstPartition) - Number(x.partition === firstPartition)) : results;
    accounting.record(messages.length, perPartition, ordered);
  };

  const sendBatch = async (items: SourceMessage[]): Promise<void> => {
    const messages = items.map((i) => i.message);
    try {
      record(messages, await send(messages));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (items.length > 1 && options.isPerMessageError?.(error)) {
        // Find the culprits by halving: the others still go out, each failure keeps its line.
        const middle = Math.ceil(items.length / 2);
        await sendBatch(items.slice(0, middle));
        await sendBatch(items.slice(middle));
        return;
      }
      if (items.length === 1 && options.isPerMessageError?.(error)) {
        fail(items[0], reason);
        accounting.progress();
        return;
      }
      summary.stoppedBy ??= reason;
      items.forEach((item) => fail(item, reason));
      accounting.progress();
    }
  };

  const dispatch = async (): Promise<void> => {
    if (batch.length === 0) {
      return;
    }
    const items = batch;
    batch = [];
    batchBytes = 0;
    // Keyless messages of one batch share a partition, rotating per batch (sticky partitioning).
    const sticky = batchNumber++ % options.partitionCount;
    for (const item of items) {
      const m = item.message;
      if (m.partition === undefined) {
        const key = partitionKey(m);
        m.partition = key !== undefined ? options.partitionForKey(key) : sticky;
      }
    }
    const running = sendBatch(items);
    inFlight.add(running);
    void running.finally(() => inFlight.delete(running));
    while (inFlight.size >= options.maxInFlight) {
      await Promise.race(inFlight);
    }
  };

  for await (const item of source) {
    if (options.isCancelled?.()) {
      summary.cancelled = true;
      break;
    }
    if (summary.stoppedBy) {
      break;
    }
    if ('kind' in item) {
      fail(item, item.message);
      continue;
    }
    const missing = missingPartition(item.message.partition, options.partitionCount);
    if (missing) {
      fail(item, missing);
      continue;
    }
    const refused = options.reject?.(item);
    if (refused) {
      summary.rejected++;
      fail(item, refused);
      continue;
    }
    batch.push(item);
    batchBytes += (item.message.value?.length ?? 0) + (item.message.key?.length ?? 0);
    if (batch.length >= options.batchSize || batchBytes >= maxBatchBytes) {
      await dispatch();
    }
  }
  if (!summary.cancelled && !summary.stoppedBy) {
    if (options.isCancelled?.()) {
      summary.cancelled = true;
    } else {
      await dispatch();
    }
  }
  await Promise.all(inFlight);
  return accounting.finish();
}

/** One-paragraph summary for a notification. */
export function describeSummary(topic: string, summary: ProduceSummary): string {
  const only = summary.ranges[0];
  if (summary.sent === 1 && summary.failed === 0 && !summary.cancelled && !summary.stoppedBy && summary.ranges.length === 1 && only) {
    // The common case, one message, says exactly where it went.
    return `Sent to "${topic}": partition ${only.partition}, offset ${only.first}.`;
  }
  const parts = [`${summary.sent} sent to "${topic}"`];
  if (summary.failed > 0) {
    parts.push(`${summary.failed} failed`);
  }
  if (summary.ranges.length > 0) {
    parts.push(summary.ranges.map((r) => `p${r.partition} ${r.first}..${r.last}`).join(', '));
  }
  const head = summary.cancelled ? 'Cancelled: ' : summary.stoppedBy ? 'Stopped: ' : '';
  const firstFailure = summary.failures[0];
  const tail = firstFailure ? ` First failure: line ${firstFailure.line + 1}: ${firstFailure.reason}` : '';
  return `${head}${parts.join('; ')}.${tail}`;
}
