/**
 * Which brokers are live and which broker leads each tailed partition, read through an admin
 * client of the tail's own, and the words a tail uses when it loses a broker. The session asks for
 * a fresh layout when kafkajs re-reads metadata or rejoins, and every few seconds while it is
 * reconnecting; comparing layouts shows a leader that left the cluster.
 */
import * as net from 'node:net';
import type { Admin, Kafka } from 'kafkajs';
import type { HealthProblem } from './tailHealth';
import { tpKey } from './tailPositions';

/** Live broker ids and the leader id of every partition of the tailed topics. */
export interface Layout {
  live: Set<string>;
  leaders: Map<string, string>;
}

/** A partition of a tailed topic. */
export interface TailedPartition {
  topic: string;
  partition: number;
}

/** The last layout read, every broker address ever seen, and the admin client that reads them. */
export class ClusterLayout {
  /** The last layout read successfully. */
  current: Layout | undefined;
  /** When the last read began (ms since epoch). */
  readAt = 0;
  /** Every broker address seen (a stopped broker leaves the layout but keeps its name here). */
  private readonly addresses = new Map<string, string>();
  private admin: Promise<Admin> | undefined;

  constructor(private readonly kafka: Kafka) {}

  /** Whether the last layout lists the broker (undefined for a broker never seen in one). */
  readonly isLive = (nodeId: string): boolean | undefined =>
    this.current && this.addresses.has(nodeId) ? this.current.live.has(nodeId) : undefined;

  /** Reads the live brokers and the leaders of `topics`; throws when the cluster cannot be asked. */
  async read(topics: string[]): Promise<Layout> {
    this.readAt = Date.now();
    this.admin ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })();
    const admin = await this.admin;
    const [cluster, metadata] = await Promise.all([admin.describeCluster(), admin.fetchTopicMetadata({ topics })]);
    const layout: Layout = { live: new Set(), leaders: new Map() };
    for (const broker of cluster.brokers) {
      layout.live.add(String(broker.nodeId));
      this.addresses.set(String(broker.nodeId), `${broker.host}:${broker.port}`);
    }
    for (const topic of metadata.topics) {
      for (const p of topic.partitions) {
        layout.leaders.set(tpKey(topic.name, p.partitionId), String(p.leader));
      }
    }
    this.current = layout;
    return layout;
  }

  /** The broker's address as last seen ("id N" when never seen). */
  addressOf(nodeId: string): string {
    return this.addresses.get(nodeId) ?? `id ${nodeId}`;
  }

  /** Whether the broker accepts a TCP connection now (within `timeoutMs`). */
  reachable(nodeId: string, timeoutMs = 1_000): Promise<boolean> {
    const address = this.addresses.get(nodeId);
    const at = address?.lastIndexOf(':') ?? -1;
    if (!address || at < 0) {
      return Promise.resolve(false);
    }
    return new Promise((resolve) => {
      const socket = net.connect({ host: address.slice(0, at), port: Number(address.slice(at + 1)) });
      const done = (ok: boolean): void => {
        socket.destroy();
        resolve(ok);
      };
      socket.setTimeout(timeoutMs, () => done(false));
      socket.once('connect', () => done(true));
      socket.once('error', () => done(false));
    });
  }

  /** Disconnects the admin client, if one was made. */
  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.then((a) => a.disconnect()).catch(() => undefined);
  }

  /** "Reconnecting: broker 127.0.0.1:9092 (leader of orders-0, orders-2) is unreachable; waiting for a new leader…" */
  describeProblems(problems: HealthProblem[], tailed: TailedPartition[]): string {
    const nodes = [...new Set(problems.flatMap((p) => (p.nodeId === undefined ? [] : [p.nodeId])))];
    if (nodes.length === 0) {
      return 'Reconnecting: the consumer group coordinator does not answer; waiting for the cluster to elect a new one…';
    }
    const stuck = problems.every((p) => p.kind === 'stuck');
    return this.describeLost(
      nodes.map((nodeId) => ({ nodeId, partitions: tailed.filter((tp) => this.current?.leaders.get(tpKey(tp.topic, tp.partition)) === nodeId) })),
      stuck ? 'not answering' : 'unreachable',
    );
  }

  /** Names the lost brokers by address with the tailed partitions they led. */
  describeLost(lost: { nodeId: string; partitions: TailedPartition[] }[], condition: string): string {
    const names = lost.map(({ nodeId, partitions }) => {
      const address = this.addresses.get(nodeId) ?? `id ${nodeId}`;
      const led = partitions.map((tp) => `${tp.topic}-${tp.partition}`);
      const shown = led.length > 4 ? [...led.slice(0, 4), `${led.length - 4} more`] : led;
      return led.length > 0 ? `${address} (leader of ${shown.join(', ')})` : address;
    });
    const subject = names.length > 1 ? `brokers ${names.join(' and ')} are` : `broker ${names[0]} is`;
    const led = lost.some((l) => l.partitions.length > 0);
    return `Reconnecting: ${subject} ${condition}; ${led ? 'waiting for a new leader' : 'retrying'}…`;
  }
}
