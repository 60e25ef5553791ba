/**
 * Partitions whose leader cannot be reached, held back (paused) so that the others keep flowing.
 *
 * Why: kafkajs runs one fetcher per broker but starts them together and awaits them all
 * (fetchManager: Promise.all). A fetch that throws, as a fetch from a killed leader does
 * (ECONNREFUSED) until the controller fences that broker and names a new leader, stops every
 * fetcher, drops what the others had fetched, and retries with backoff (about 0.3, 0.6, 1.2, 2.4,
 * 4.8 s) until metadata names a new leader or the consumer crashes. Measured on 3 brokers: the
 * partitions led by live brokers showed nothing for the whole 6 s the killed leader's partition had
 * no leader. A paused partition is left out of fetch requests, so the dead broker's fetcher asks
 * for nothing (it only waits a long poll) and the other fetchers keep running.
 *
 * A held partition is released once the cluster names a live leader for it, or once its broker
 * accepts connections again (restarted).
 */
import type { Logger } from '../../../core/brokerClient';
import type { ClusterLayout, Layout, TailedPartition } from './tailLayout';
import { tpKey } from './tailPositions';

/** How often held partitions are checked for a new leader (a metadata read and a TCP connect). */
const RELEASE_CHECK_MS = 1_000;

interface Held extends TailedPartition {
  /** The unreachable leader. */
  nodeId: string;
  since: number;
}

export interface LeaderlessHost {
  readonly groupId: string;
  readonly logger: Logger;
  /** The partitions the tail reads now. */
  tailedPartitions(): TailedPartition[];
  /** Reads the live brokers and the leaders again (undefined when that fails). */
  readLayout(): Promise<Layout | undefined>;
  /** Partitions were held or released: pause or resume them, and report the state. */
  changed(): void;
}

export class LeaderlessPartitions {
  private readonly held = new Map<string, Held>();
  private checking = false;
  private checkedAt = 0;

  constructor(
    private readonly cluster: ClusterLayout,
    private readonly host: LeaderlessHost,
  ) {}

  isHeld(topic: string, partition: number): boolean {
    return this.held.has(tpKey(topic, partition));
  }

  get size(): number {
    return this.held.size;
  }

  /**
   * A fetch from the broker threw: holds the tailed partitions it leads (as last read). Called
   * from kafkajs' FETCH_START, synchronously, so the fetch starting now already leaves them out.
   */
  brokerFailed(nodeId: string): void {
    const leaders = this.cluster.current?.leaders;
    if (!leaders) {
      return;
    }
    const now = Date.now();
    const added = this.host
      .tailedPartitions()
      .filter((tp) => leaders.get(tpKey(tp.topic, tp.partition)) === nodeId && !this.isHeld(tp.topic, tp.partition));
    if (added.length === 0) {
      return;
    }
    for (const tp of added) {
      this.held.set(tpKey(tp.topic, tp.partition), { ...tp, nodeId, since: now });
    }
    this.host.logger.warn(
      `Tail ${this.host.groupId}: broker ${this.cluster.addressOf(nodeId)} is unreachable; holding ${added.map((tp) => `${tp.topic}-${tp.partition}`).join(', ')} until a live broker leads ${added.length === 1 ? 'it' : 'them'}, so the other partitions keep flowing`,
    );
    this.host.changed();
  }

  /** On the watch's tick: looks (at most once a second) whether held partitions can be fetched again. */
  check(): void {
    if (this.held.size === 0 || this.checking || Date.now() - this.checkedAt < RELEASE_CHECK_MS) {
      return;
    }
    this.checking = true;
    this.checkedAt = Date.now();
    void this.releaseLed().finally(() => {
      this.checking = false;
    });
  }

  /** Forgets every hold (the session stops). */
  clear(): void {
    this.held.clear();
  }

  private async releaseLed(): Promise<void> {
    const layout = await this.host.readLayout();
    const answering = new Map<string, boolean>();
    for (const nodeId of new Set([...this.held.values()].map((h) => h.nodeId))) {
      answering.set(nodeId, await this.cluster.reachable(nodeId));
    }
    const tailed = new Set(this.host.tailedPartitions().map((tp) => tpKey(tp.topic, tp.partition)));
    const released: string[] = [];
    for (const [key, held] of this.held) {
      const leader = layout?.leaders.get(key);
      const moved = leader !== undefined && leader !== held.nodeId && layout!.live.has(leader);
      if (moved || answering.get(held.nodeId) === true || !tailed.has(key)) {
        this.held.delete(key);
        released.push(
          `${held.topic}-${held.partition} (${moved ? `now led by broker ${this.cluster.addressOf(leader)}` : 'its broker answers again'}, after ${Date.now() - held.since} ms)`,
        );
      }
    }
    if (released.length > 0) {
      this.host.logger.info(`Tail ${this.host.groupId}: fetching ${released.join(', ')}`);
      this.host.changed();
    }
  }

  /** "orders-2 waits for a new leader since 20:31:05 (broker 127.0.0.1:9093 is unreachable); the other partitions keep flowing" */
  describe(): string | undefined {
    if (this.held.size === 0) {
      return undefined;
    }
    const byNode = new Map<string, Held[]>();
    for (const held of this.held.values()) {
      byNode.set(held.nodeId, [...(byNode.get(held.nodeId) ?? []), held]);
    }
    const parts = [...byNode].map(([nodeId, list]) => {
      const names = list.map((h) => `${h.topic}-${h.partition}`);
      const shown = names.length > 4 ? [...names.slice(0, 4), `${names.length - 4} more`] : names;
      const since = new Date(Math.min(...list.map((h) => h.since))).toTimeString().slice(0, 8);
      return `${shown.join(', ')} ${names.length === 1 ? 'waits' : 'wait'} for a new leader since ${since} (broker ${this.cluster.addressOf(nodeId)} is unreachable)`;
    });
    return `${parts.join('; ')}; the other partitions keep flowing`;
  }
}
