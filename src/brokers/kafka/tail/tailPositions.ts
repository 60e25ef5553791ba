/**
 * Where a tail starts and how far behind it is: resolves the start option to an offset per
 * partition, and keeps positions and end offsets to report lag. No kafkajs objects here.
 */
import type { TailLag, TailOptions } from '../../../core/brokerClient';

export interface PartitionOffsets {
  partition: number;
  /** Earliest retained offset. */
  low: string;
  /** The next offset the partition will get (high watermark). */
  high: string;
}

export interface PositionSource {
  topicOffsets(topic: string): Promise<PartitionOffsets[]>;
  /** The first offset at or after `timestamp` per partition (-1 when there is none). */
  offsetsAtTime(topic: string, timestamp: number): Promise<{ partition: number; offset: string }[]>;
}

export const tpKey = (topic: string, partition: number): string => `${topic}:${partition}`;

/** Positions and end offsets of the partitions a tail reads. */
export class TailPositions {
  /**
   * Next offset to deliver, per topic-partition: where a rejoin or a restarted consumer resumes
   * (kafkajs starts every (re)join from the group's commits, which a broadcast tail has none of),
   * and below which a record was shown already. Recorded at start, never re-resolved: 'latest'
   * means the end when the tail started, not when it reconnects.
   */
  readonly position = new Map<string, bigint>();
  /** Where each selected partition starts (broadcast seeks there once). */
  readonly start = new Map<string, bigint>();
  private readonly end = new Map<string, bigint>();
  /** Selected partitions per topic. */
  readonly selected = new Map<string, number[]>();

  constructor(private readonly source: PositionSource) {}

  isSelected(topic: string, partition: number): boolean {
    return this.selected.get(topic)?.includes(partition) ?? false;
  }

  /** Picks partitions and, unless `seek` is false (a shared group keeps its committed offsets), start offsets. */
  async resolve(topics: string[], options: TailOptions, seek: boolean): Promise<void> {
    const kind = options.start ?? (options.fromBeginning ? 'earliest' : 'latest');
    for (const topic of topics) {
      const offsets = await this.source.topicOffsets(topic);
      const chosen = offsets.filter((o) => !options.partitions || options.partitions.includes(o.partition));
      if (chosen.length === 0) {
        throw new Error(`Topic "${topic}" has none of the partitions ${options.partitions?.join(', ')}; it has 0-${offsets.length - 1}.`);
      }
      this.selected.set(topic, chosen.map((o) => o.partition));
      const atTime =
        kind === 'timestamp' && seek ? await this.source.offsetsAtTime(topic, requireTimestamp(options.timestamp)) : [];
      for (const o of chosen) {
        const key = tpKey(topic, o.partition);
        this.end.set(key, BigInt(o.high));
        if (!seek) {
          continue;
        }
        let start = BigInt(kind === 'earliest' ? o.low : o.high);
        if (kind === 'timestamp') {
          const found = atTime.find((t) => t.partition === o.partition)?.offset;
          start = found === undefined || found === '-1' ? BigInt(o.high) : BigInt(found);
        } else if (kind === 'offsets') {
          const given = options.offsets?.find((g) => (g.topic ?? topics[0]) === topic && g.partition === o.partition);
          start = given ? clamp(BigInt(given.offset), BigInt(o.low), BigInt(o.high)) : BigInt(o.high);
        }
        this.start.set(key, start);
        this.position.set(key, start);
      }
    }
    // The older option: exact offsets in partitions of the first topic (e.g. at produced offsets).
    for (const { partition, offset } of options.startOffsets ?? []) {
      const key = tpKey(topics[0], partition);
      this.start.set(key, BigInt(offset));
      this.position.set(key, BigInt(offset));
    }
  }

  /**
   * Where each assigned partition resumes: the next offset this tail has to show. kafkajs builds a
   * new offset manager on every (re)join: a broadcast group has no commits, so without a seek a
   * rejoin after a leader change or a crash restart would replay from the default offset. A
   * `shared` group resumes only partitions it kept through the rebalance (others resume from the
   * group's commits, which another member may have moved on).
   */
  resumeOffsets(
    assignment: Record<string, number[]>,
    previous: Record<string, number[]>,
    shared: boolean,
  ): { topic: string; partition: number; offset: string }[] {
    const seeks: { topic: string; partition: number; offset: string }[] = [];
    for (const [topic, partitions] of Object.entries(assignment)) {
      for (const partition of partitions) {
        const next = this.position.get(tpKey(topic, partition));
        if (next === undefined || (shared && !previous[topic]?.includes(partition))) {
          continue;
        }
        seeks.push({ topic, partition, offset: next.toString() });
      }
    }
    return seeks;
  }

  delivered(topic: string, partition: number, lastOffset: string): void {
    this.position.set(tpKey(topic, partition), BigInt(lastOffset) + 1n);
  }

  sawEnd(topic: string, partition: number, highWatermark: string): void {
    const key = tpKey(topic, partition);
    const known = this.end.get(key);
    const next = BigInt(highWatermark);
    if (known === undefined || next > known) {
      this.end.set(key, next);
    }
  }

  async refreshEnds(): Promise<void> {
    for (const topic of this.selected.keys()) {
      for (const o of await this.source.topicOffsets(topic)) {
        if (this.isSelected(topic, o.partition)) {
          this.sawEnd(topic, o.partition, o.high);
        }
      }
    }
  }

  /** Lag over the partitions whose position is known, limited to `assigned` when given (a shared group's share). */
  lag(assigned?: (topic: string, partition: number) => boolean): TailLag {
    const partitions: TailLag['partitions'] = [];
    let total = 0n;
    for (const [topic, list] of this.selected) {
      for (const partition of list) {
        const key = tpKey(topic, partition);
        const position = this.position.get(key);
        const end = this.end.get(key);
        if (position === undefined || end === undefined || (assigned && !assigned(topic, partition))) {
          continue;
        }
        total += end > position ? end - position : 0n;
        partitions.push({ topic, partition, position: position.toString(), end: end.toString() });
      }
    }
    return { total: Number(total), partitions };
  }
}

function requireTimestamp(timestamp: number | undefined): number {
  if (timestamp === undefined || !Number.isFinite(timestamp)) {
    throw new Error('A tail that starts at a time needs the time: give "timestamp" (milliseconds or an ISO date).');
  }
  return timestamp;
}

function clamp(value: bigint, low: bigint, high: bigint): bigint {
  return value < low ? low : value > high ? high : value;
}
