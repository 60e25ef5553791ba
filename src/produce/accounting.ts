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

/**
 * Every message of a run ends in exactly one of: sent (the broker acknowledged it), failed (it was
 * certainly not written: refused before sending, or rejected by the broker), unknown (its request
 * was written but no answer came: it may or may not be on the broker), or not tried (the run
 * stopped or was cancelled before it).
 */
export interface ProduceSummary {
  sent: number;
  /** Certainly not on the broker: sending them again cannot duplicate them. */
  failed: number;
  /** May or may not be on the broker (in flight when the connection failed). */
  unknown: number;
  /** Never sent because the run stopped or was cancelled first. */
  notTried: number;
  /** Where the first message that was not tried starts (to continue from there). */
  firstNotTried?: { line: number; column: number };
  /** Messages skipped because `reject` refused them (counted in failed too). */
  rejected: number;
  cancelled: boolean;
  /** Set when the run stopped because the broker failed for every message (unreachable, unauthorized…). */
  stoppedBy?: string;
  ranges: PartitionRange[];
  failures: ProduceFailure[];
  /** The messages whose delivery is unknown, by line (the first 10,000). */
  unknowns: ProduceFailure[];
  /** Where the first message went (what the single-message command reports). */
  first?: ProduceResult;
}

/** Counts so far, for a progress display (and tests that act at a given point of a run). */
export interface ProduceProgress {
  sent: number;
  failed: number;
  unknown: number;
}

const MAX_LISTED_FAILURES = 10_000;

export class ProduceAccounting {
  readonly summary: ProduceSummary = { sent: 0, failed: 0, unknown: 0, notTried: 0, rejected: 0, cancelled: false, ranges: [], failures: [], unknowns: [] };
  private readonly ranges = new Map<number, { first: bigint; last: bigint; count: number }>();

  constructor(private readonly onProgress?: (progress: ProduceProgress) => void) {}

  /** Counts one message as failed (its place kept for the first 10,000). */
  fail(at: { line: number; column: number }, reason: string): void {
    this.summary.failed++;
    if (this.summary.failures.length < MAX_LISTED_FAILURES) {
      this.summary.failures.push({ line: at.line, column: at.column, reason });
    }
  }

  /** Counts one message whose request was written but not answered: it may be on the broker. */
  unsure(at: { line: number; column: number }, reason: string): void {
    this.summary.unknown++;
    if (this.summary.unknowns.length < MAX_LISTED_FAILURES) {
      this.summary.unknowns.push({ line: at.line, column: at.column, reason });
    }
  }

  /** Counts one message the run never sent (stopped or cancelled before it). */
  skip(at: { line: number; column: number }): void {
    this.summary.notTried++;
    const first = this.summary.firstNotTried;
    if (!first || at.line < first.line || (at.line === first.line && at.column < first.column)) {
      this.summary.firstNotTried = { line: at.line, column: at.column };
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
    this.onProgress?.({ sent: this.summary.sent, failed: this.summary.failed, unknown: this.summary.unknown });
  }

  /** The summary with ranges by partition and failures by line. */
  finish(): ProduceSummary {
    const summary = this.summary;
    summary.ranges = [...this.ranges.entries()]
      .sort(([a], [b]) => a - b)
      .map(([partition, r]) => ({ partition, first: r.first.toString(), last: r.last.toString(), count: r.count }));
    summary.failures.sort((a, b) => a.line - b.line);
    summary.unknowns.sort((a, b) => a.line - b.line);
    return summary;
  }
}
