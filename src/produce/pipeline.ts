/**
 * Sends a stream of messages in batches with a bounded number of batches in flight, and accounts
 * for every message: sent (with exact partition/offset ranges), failed (with its line), or not
 * sent because the run was cancelled or stopped. Pure: the send function is injected.
 */
import type { OutgoingMessage, ProduceResult } from '../core/brokerClient';
import type { SourceIssue, SourceMessage } from './types';

export interface PipelineOptions {
  batchSize: number;
  /** A batch is also sent once its values reach this many bytes (brokers refuse batches above max.message.bytes, 1 MB by default). */
  maxBatchBytes?: number;
  maxInFlight: number;
  /** Partitions of the topic: messages without one get one here, so offsets can be accounted exactly. */
  partitionCount: number;
  /** Partition for a keyed message (Kafka's murmur2 default partitioner in production). */
  partitionForKey: (key: string) => number;
  isCancelled?: () => boolean;
  /** Messages that must not be sent (e.g. they break the contract): a reason, or undefined. */
  reject?: (message: SourceMessage) => string | undefined;
  onProgress?: (progress: { sent: number; failed: number }) => void;
  /** Whether a send error concerns single messages (too large…), so the batch is retried one by one. */
  isPerMessageError?: (error: unknown) => boolean;
}

/** One failed (or refused) message and why. */
export interface ProduceFailure {
  line: number;
  column: number;
  reason: string;
}

export interface PartitionRange {
  partition: number;
  /** First and last offset written in this run (-1 when acks=0 gives no offsets). */
  first: string;
  last: string;
  count: number;
}

export interface ProduceSummary {
  sent: number;
  failed: number;
  /** Messages skipped because `reject` refused them (counted in failed too). */
  rejected: number;
  cancelled: boolean;
  /** Set when the run stopped because the broker failed for every message (unreachable, unauthorized…). */
  stoppedBy?: string;
  ranges: PartitionRange[];
  failures: ProduceFailure[];
  /** Where the first message went (what the single-message command reports). */
  first?: ProduceResult;
}

const MAX_LISTED_FAILURES = 10_000;

/** Produces every item of `source` through `send` and returns exact counts. */
export async function producePipeline(
  source: AsyncIterable<SourceMessage | SourceIssue> | Iterable<SourceMessage | SourceIssue>,
  topic: string,
  send: (messages: OutgoingMessage[]) => Promise<ProduceResult[]>,
  options: PipelineOptions,
): Promise<ProduceSummary> {
  const summary: ProduceSummary = { sent: 0, failed: 0, rejected: 0, cancelled: false, ranges: [], failures: [] };
  const ranges = new Map<number, { first: bigint; last: bigint; count: number }>();
  const inFlight = new Set<Promise<void>>();
  let batch: SourceMessage[] = [];
  let batchBytes = 0;
  let batchNumber = 0;
  const maxBatchBytes = options.maxBatchBytes ?? 512 * 1024;

  const fail = (at: { line: number; column: number }, reason: string): void => {
    summary.failed++;
    if (summary.failures.length < MAX_LISTED_FAILURES) {
      summary.failures.push({ line: at.line, column: at.column, reason });
    }
  };

  const record = (messages: OutgoingMessage[], results: ProduceResult[]): void => {
    summary.sent += messages.length;
    const perPartition = new Map<number, number>();
    for (const m of messages) {
      perPartition.set(m.partition ?? -1, (perPartition.get(m.partition ?? -1) ?? 0) + 1);
    }
    for (const result of results) {
      const count = perPartition.get(result.partition) ?? 0;
      if (!/^\d+$/.test(result.offset) || count === 0) {
        continue;
      }
      const base = BigInt(result.offset);
      summary.first ??= result;
      const range = ranges.get(result.partition);
      const last = base + BigInt(count - 1);
      if (range) {
        range.first = base < range.first ? base : range.first;
        range.last = last > range.last ? last : range.last;
        range.count += count;
      } else {
        ranges.set(result.partition, { first: base, last, count });
      }
    }
    options.onProgress?.({ sent: summary.sent, failed: summary.failed });
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
        options.onProgress?.({ sent: summary.sent, failed: summary.failed });
        return;
      }
      summary.stoppedBy ??= reason;
      items.forEach((item) => fail(item, reason));
      options.onProgress?.({ sent: summary.sent, failed: summary.failed });
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
        m.partition = m.key !== undefined ? options.partitionForKey(m.key) : sticky;
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
    const refused = options.reject?.(item);
    if (refused) {
      summary.rejected++;
      fail(item, refused);
      continue;
    }
    batch.push(item);
    batchBytes += item.message.value.length + (item.message.key?.length ?? 0);
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
  summary.ranges = [...ranges.entries()]
    .sort(([a], [b]) => a - b)
    .map(([partition, r]) => ({ partition, first: r.first.toString(), last: r.last.toString(), count: r.count }));
  summary.failures.sort((a, b) => a.line - b.line);
  return summary;
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
