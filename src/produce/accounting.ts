/**
 * The exact bookkeeping of a produce run, shared by the message pipeline (pipeline.ts) and the bulk
 * file path (bulkPipeline.ts) so both report the same summary for the same outcome: messages sent
 * with their per-partition offset ranges, failures with line, column and reason, the first result.
 */
import type { ProduceResult } from '../core/brokerClient';

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

export class ProduceAccounting {
  readonly summary: ProduceSummary = { sent: 0, failed: 0, rejected: 0, cancelled: false, ranges: [], failures: [] };
  private readonly ranges = new Map<number, { first: bigint; last: bigint; count: number }>();

  constructor(private readonly onProgress?: (progress: { sent: number; failed: number }) => void) {}

  /** Counts one message as failed (its place kept for the first 10,000). */
  fail(at: { line: number; column: number }, reason: string): void {
    this.summary.failed++;
    if (this.summary.failures.length < MAX_LISTED_FAILURES) {
      this.summary.failures.push({ line: at.line, column: at.column, reason });
    }
  }

  /**
   * Records a successful send: `sent` messages, `perPartition` of them in each partition, and the
   * broker's base offset of each partition written (none with acks=0).
   */
  record(sent: number, perPartition: ReadonlyMap<number, number>, results: readonly ProduceResult[]): void {
    const summary = this.summary;
    summary.sent += sent;
    for (const result of results) {
      const count = perPartition.get(result.partition) ?? 0;
      if (!/^\d+$/.test(result.offset) || count === 0) {
        continue;
      }
      const base = BigInt(result.offset);
      summary.first ??= result;
      const range = this.ranges.get(result.partition);
      const last = base + BigInt(count - 1);
      if (range) {
        range.first = base < range.first ? base : range.first;
        range.last = last > range.last ? last : range.last;
        range.count += count;
      } else {
        this.ranges.set(result.partition, { first: base, last, count });
      }
    }
    this.progress();
  }

  progress(): void {
    this.onProgress?.({ sent: this.summary.sent, failed: this.summary.failed });
  }

  /** The summary with ranges by partition and failures by line. */
  finish(): ProduceSummary {
    const summary = this.summary;
    summary.ranges = [...this.ranges.entries()]
      .sort(([a], [b]) => a - b)
      .map(([partition, r]) => ({ partition, first: r.first.toString(), last: r.last.toString(), count: r.count }));
    summary.failures.sort((a, b) => a.line - b.line);
    return summary;
  }
}
