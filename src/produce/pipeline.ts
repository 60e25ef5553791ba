/**
 * Sends a stream of messages in batches with a bounded number of batches in flight, and accounts
 * for every message: sent (with exact partition/offset ranges), failed (certainly not written,
 * with its line), unknown (its request was written but not answered: the send threw a
 * DeliveryUnknownError), or not tried because the run was cancelled or stopped first.
 * Pure: the send function is injected.
 */
import { partitionKey } from '../core/messageBytes';
import type { OutgoingMessage, ProduceResult } from '../core/brokerClient';
import { isDeliveryUnknown } from '../core/errors';
import { ProduceAccounting, type ProduceProgress, type ProduceSummary } from './accounting';
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
  onProgress?: (progress: ProduceProgress) => void;
  /** Whether a send error concerns single messages (too large…), so the batch is retried one by one. */
  isPerMessageError?: (error: unknown) => boolean;
}

export type { PartitionRange, ProduceFailure, ProduceProgress, ProduceSummary } from './accounting';

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

  /** Sends messages of one partition: one request, so its outcome is the outcome of each of them. */
  const sendPartition = async (items: SourceMessage[]): Promise<void> => {
    const messages = items.map((i) => i.message);
    try {
      record(messages, await send(messages));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (isDeliveryUnknown(error)) {
        // Written but not answered: they may be on the broker, so they are neither sent nor failed.
        summary.stoppedBy ??= reason;
        items.forEach((item) => accounting.unsure(item, reason));
        accounting.progress();
        return;
      }
      if (items.length > 1 && options.isPerMessageError?.(error)) {
        // Find the culprits by halving: the others still go out, each failure keeps its line.
        const middle = Math.ceil(items.length / 2);
        await sendPartition(items.slice(0, middle));
        await sendPartition(items.slice(middle));
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

  /**
   * Sends a batch as one request per partition (at once): a request that fails for some
   * partitions and not others would hide which of its messages were written.
   */
  const sendBatch = async (items: SourceMessage[]): Promise<void> => {
    const groups = new Map<number, SourceMessage[]>();
    for (const item of items) {
      const partition = item.message.partition ?? -1;
      const group = groups.get(partition);
      if (group) {
        group.push(item);
      } else {
        groups.set(partition, [item]);
      }
    }
    await Promise.all([...groups.values()].map((group) => sendPartition(group)));
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

  // Once the run stops (cancelled, or the broker failed), the rest is read only to be counted.
  let stopped = false;
  const stop = (): void => {
    stopped = true;
    batch.forEach((item) => accounting.skip(item));
    batch = [];
  };
  for await (const item of source) {
    if (!stopped && options.isCancelled?.()) {
      summary.cancelled = true;
      stop();
    }
    if (!stopped && summary.stoppedBy) {
      stop();
    }
    if ('kind' in item) {
      fail(item, item.message);
      continue;
    }
    if (stopped) {
      accounting.skip(item);
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
  if (!stopped) {
    if (options.isCancelled?.()) {
      summary.cancelled = true;
      stop();
    } else if (summary.stoppedBy) {
      stop();
    } else {
      await dispatch();
    }
  }
  await Promise.all(inFlight);
  return accounting.finish();
}

/** One-paragraph summary for a notification: the four counts that are not zero (sent always), where the sent ones went, why it stopped. */
export function describeSummary(topic: string, summary: ProduceSummary): string {
  const only = summary.ranges[0];
  const clean = summary.failed === 0 && summary.unknown === 0 && summary.notTried === 0;
  if (summary.sent === 1 && clean && !summary.cancelled && !summary.stoppedBy && summary.ranges.length === 1 && only) {
    // The common case, one message, says exactly where it went.
    return `Sent to "${topic}": partition ${only.partition}, offset ${only.first}.`;
  }
  const parts = [`${summary.sent} sent to "${topic}"`];
  if (summary.failed > 0) {
    parts.push(`${summary.failed} failed (not written)`);
  }
  if (summary.unknown > 0) {
    parts.push(`${summary.unknown} unknown (in flight when the connection failed: they may or may not be on the broker)`);
  }
  if (summary.notTried > 0 && summary.firstNotTried) {
    parts.push(`${summary.notTried} not tried (from line ${summary.firstNotTried.line + 1})`);
  }
  if (summary.ranges.length > 0) {
    parts.push(summary.ranges.map((r) => `p${r.partition} ${r.first}..${r.last}`).join(', '));
  }
  const head = summary.cancelled ? 'Cancelled: ' : summary.stoppedBy ? 'Stopped: ' : '';
  const firstFailure = summary.failures[0];
  const firstUnknown = summary.unknowns[0];
  const tail = firstFailure
    ? ` First failure: line ${firstFailure.line + 1}: ${firstFailure.reason}`
    : firstUnknown
      ? ` First unknown: line ${firstUnknown.line + 1}: ${firstUnknown.reason}`
      : '';
  return `${head}${parts.join('; ')}.${tail}`;
}
