/**
 * The "Reconnecting" detection of a tail session, and the state it reports. kafkajs retries a lost
 * broker or partition leader silently, so the watch combines two views to tell the user: kafkajs'
 * own fetch loop (FetchHealth, fed by the session's consumer events and checked on a timer) and
 * the cluster's layout (ClusterLayout, read again whenever kafkajs re-reads metadata or rejoins, to
 * notice a tailed partition whose leader left the cluster). The session keeps the consumer; the
 * watch asks it through a small host interface and tells it every state change through `onState`.
 */
import type { Consumer, Kafka } from 'kafkajs';
import type { Logger, TailState } from '../../../core/brokerClient';
import { HEARTBEAT_INTERVAL_MS } from './tailConsumer';
import { FetchHealth, type HealthLimits } from './tailHealth';
import { ClusterLayout, type Layout, type TailedPartition } from './tailLayout';
import { LeaderlessPartitions } from './tailLeaderless';
import { tpKey } from './tailPositions';

/** How often the fetch loop's health is checked (a few map lookups). */
const WATCH_INTERVAL_MS = 500;
/** While reconnecting, how often the live brokers are read again (two metadata requests). */
const LAYOUT_REFRESH_IN_TROUBLE_MS = 2_000;

/** Stuck: 20 long polls without an answer; gone: 4 missed long polls; coordinator: 3 missed heartbeats. */
const HEALTH_LIMITS: HealthLimits = { stuckMs: 5_000, goneMs: 1_000, heartbeatMs: 3 * HEARTBEAT_INTERVAL_MS };

/** What the watch needs to know about its tail session, and where it reports the session's state. */
export interface ReconnectWatchHost {
  /** The session's consumer group, to name the tail in log lines. */
  readonly groupId: string;
  readonly logger: Logger;
  /** The topics tailed now (the layout reads their leaders). */
  topics(): string[];
  /** The partitions the tail reads now: assigned to it and selected. */
  tailedPartitions(): TailedPartition[];
  /** Whether the session is stopping (or stopped). */
  stopping(): boolean;
  /** Whether the consumer failed for good (the session reported 'failed' itself). */
  crashed(): boolean;
  /** Whether the consumer has joined its group (it stays true through rejoins). */
  joined(): boolean;
  /** Whether the consumer stops and runs again to add topics: its fetch loop is down on purpose. */
  restarting(): boolean;
  /** Whether the user paused the tail. */
  paused(): boolean;
  /** Whether the selected partitions should be fetching now (not paused, not a pull tail between pulls). */
  fetchingWanted(): boolean;
  /** The state to show changed (called once per change). */
  onState(state: TailState, detail?: string): void;
  /** Partitions were held back (their leader is unreachable) or released: apply the pauses again. */
  holdsChanged(): void;
}

/** Watches a tail's consumer for a lost broker or leader and reports "Reconnecting" until it fetches again. */
export class TailReconnectWatch {
  private readonly health = new FetchHealth(Date.now, HEALTH_LIMITS);
  /** Live brokers and partition leaders as last read, to notice a lost leader and name it. */
  private readonly cluster: ClusterLayout;
  /** Set while the consumer cannot fetch: the panel shows "Reconnecting" with `detail`. */
  private trouble: { since: number; detail: string } | undefined;
  private reported: { state: TailState; detail?: string } | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private probing = false;
  private probeQueued = false;
  /** Partitions whose leader is unreachable, paused so that the others keep flowing. */
  private readonly leaderless: LeaderlessPartitions;

  constructor(
    kafka: Kafka,
    private readonly host: ReconnectWatchHost,
  ) {
    this.cluster = new ClusterLayout(kafka);
    this.leaderless = new LeaderlessPartitions(this.cluster, {
      groupId: host.groupId,
      logger: host.logger,
      tailedPartitions: () => host.tailedPartitions(),
      readLayout: () => this.readLayout(),
      changed: () => {
        host.holdsChanged();
        this.report();
      },
    });
  }

  /** Whether the partition is held back because its leader is unreachable. */
  isHeld(topic: string, partition: number): boolean {
    return this.leaderless.isHeld(topic, partition);
  }

  /** Starts checking the fetch loop's health (once the consumer runs). */
  start(): void {
    this.watchdog = setInterval(() => this.watch(), WATCH_INTERVAL_MS);
    this.watchdog.unref?.();
  }

  /** Stops the health checks; `close` then releases the layout's admin client. */
  stopWatching(): void {
    clearInterval(this.watchdog);
    this.leaderless.clear();
  }

  /** Stops the health checks and disconnects the layout's admin client. */
  async close(): Promise<void> {
    this.stopWatching();
    await this.cluster.close();
  }

  /** Feeds the watch from the consumer's events: its fetch loop, heartbeats and metadata reads. */
  observe(consumer: Consumer): void {
    const events = consumer.events;
    consumer.on(events.REQUEST, (event) => {
      if (event.payload.apiName === 'Metadata') {
        // Once running, kafkajs re-reads metadata when it lost a broker or a leader (or every 5 minutes).
        this.suspect();
      }
    });
    consumer.on(events.FETCH_START, (event) => {
      const nodeId = String(event.payload.nodeId);
      this.health.fetchStart(nodeId);
      if (this.health.isFailing(nodeId) && !this.host.stopping()) {
        // Its previous fetch threw: hold its partitions before this fetch asks for them again.
        this.leaderless.brokerFailed(nodeId);
      }
    });
    consumer.on(events.FETCH, (event) => {
      this.health.fetchDone(event.payload.nodeId);
      if (this.trouble) {
        this.watch();
      }
    });
    consumer.on(events.HEARTBEAT, () => this.health.heartbeat());
  }

  /** The consumer joined its group: the coordinator answers, as a heartbeat would show. */
  groupJoined(): void {
    this.health.heartbeat();
  }

  /** The fetch loop restarts on purpose (new fetchers, e.g. to add topics): forget the old fetchers. */
  resetFetchers(): void {
    this.health.reset();
  }

  /**
   * kafkajs restarts the crashed consumer with new fetchers and a new membership: reports
   * "Reconnecting" until the new consumer fetches.
   */
  consumerRestarts(errorMessage: string): void {
    this.health.reset();
    this.trouble = {
      since: Date.now(),
      detail: `Reconnecting: the consumer stopped on an error (${errorMessage}) and restarts; it resumes where it left off…`,
    };
    this.report();
  }

  /** Tells the host the state, once per change: paused wins, then trouble, then running. */
  report(): void {
    if (this.host.stopping() || this.host.crashed()) {
      return;
    }
    let next: { state: TailState; detail?: string };
    if (this.host.paused()) {
      next = { state: 'paused' };
    } else if (this.trouble) {
      next = { state: 'connecting', detail: this.trouble.detail };
    } else {
      // Running, and saying which partitions wait for a leader while the others flow.
      next = this.host.joined() ? { state: 'running', detail: this.leaderless.describe() } : { state: 'connecting' };
    }
    if (this.reported?.state === next.state && this.reported.detail === next.detail) {
      return;
    }
    this.reported = next;
    this.host.onState(next.state, next.detail);
  }

  /**
   * Compares kafkajs' fetch loop with what a healthy one does (see FetchHealth) and reports
   * "Reconnecting" when a broker is lost, "running" as soon as fetches and heartbeats succeed again.
   * Only judged while fetching is wanted: a paused tail or a pull tail between pulls fetches nothing.
   */
  private watch(): void {
    const host = this.host;
    if (host.stopping() || host.crashed() || !host.joined() || host.restarting()) {
      return;
    }
    this.leaderless.check();
    if (this.trouble) {
      if (Date.now() - this.cluster.readAt > LAYOUT_REFRESH_IN_TROUBLE_MS) {
        // While in trouble, keep learning which brokers left (their fetchers are gone for good).
        host.logger.debug(`Tail ${host.groupId} still reconnecting after ${Date.now() - this.trouble.since} ms; fetchers: ${this.health.summary()}`);
        void this.readLayout();
      }
      if (this.health.recoveredSince(this.trouble.since, this.cluster.isLive)) {
        host.logger.info(`Tail ${host.groupId} fetches again (was: ${this.trouble.detail})`);
        this.trouble = undefined;
        this.report();
        void this.readLayout();
      }
      return;
    }
    const problems = this.health.problems(this.cluster.isLive);
    if (problems.length > 0) {
      this.beginTrouble(this.cluster.describeProblems(problems, host.tailedPartitions()));
    }
  }

  /** Reports "Reconnecting" with `detail`, unless trouble is already shown or fetching is not wanted now. */
  private beginTrouble(detail: string): void {
    if (this.trouble || !this.host.fetchingWanted() || this.host.stopping() || this.host.crashed()) {
      return;
    }
    this.trouble = { since: Date.now(), detail };
    this.host.logger.warn(`Tail ${this.host.groupId}: ${detail}`);
    this.report();
  }

  /**
   * kafkajs re-read metadata or rejoined after running: compare the partition leaders with the last
   * layout. A tailed partition whose leader left the cluster means kafkajs is moving to a new leader
   * (a stopped broker hands leadership over first, so kafkajs' own fetches often show nothing
   * wrong). One probe at a time; a suspicion during a probe queues one more.
   */
  suspect(): void {
    if (!this.host.joined() || this.host.stopping() || this.host.crashed()) {
      return;
    }
    if (this.probing) {
      this.probeQueued = true;
      return;
    }
    this.probing = true;
    void this.probeLeaders(this.cluster.current, 0).finally(() => {
      this.probing = false;
      if (this.probeQueued) {
        this.probeQueued = false;
        this.suspect();
      }
    });
  }

  private async probeLeaders(before: Layout | undefined, attempt: number): Promise<void> {
    const now = await this.readLayout();
    if (!before || !now || this.host.stopping()) {
      return;
    }
    const lost = new Map<string, TailedPartition[]>();
    let movedToLive = false;
    for (const tp of this.host.tailedPartitions()) {
      const key = tpKey(tp.topic, tp.partition);
      const old = before.leaders.get(key);
      if (old === undefined || old === now.leaders.get(key)) {
        continue;
      }
      this.host.logger.info(`Tail ${this.host.groupId}: the leader of ${tp.topic}-${tp.partition} is now broker ${now.leaders.get(key)} (was ${old}${now.live.has(old) ? '' : ', which left the cluster'})`);
      if (now.live.has(old)) {
        movedToLive = true;
      } else {
        lost.set(old, [...(lost.get(old) ?? []), tp]);
      }
    }
    if (lost.size > 0) {
      this.beginTrouble(this.cluster.describeLost([...lost].map(([nodeId, partitions]) => ({ nodeId, partitions })), 'unreachable'));
    } else if (movedToLive && attempt < 3) {
      // A broker shutting down hands its leaderships over before it leaves the cluster: look again.
      await new Promise((resolve) => setTimeout(resolve, 700));
      await this.probeLeaders(before, attempt + 1);
    }
  }

  /** Reads the live brokers and the leaders of the tailed topics (undefined when that fails). */
  async readLayout(): Promise<Layout | undefined> {
    if (this.host.stopping()) {
      return undefined;
    }
    try {
      return await this.cluster.read(this.host.topics());
    } catch (error) {
      this.host.logger.debug(`Tail ${this.host.groupId}: could not read the partition leaders (${String(error)})`);
      return undefined;
    }
  }
}
