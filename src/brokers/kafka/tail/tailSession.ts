import { randomUUID } from 'node:crypto';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type {
  Logger,
  TailIdentity,
  TailLag,
  TailListener,
  TailMode,
  TailOptions,
  TailSession,
} from '../../../core/brokerClient';
import { createTailConsumer } from './tailConsumer';
import type { TailedPartition } from './tailLayout';
import { toTailMessage } from './tailMessages';
import { type PositionSource, TailPositions, tpKey } from './tailPositions';
import { TailReconnectWatch } from './tailReconnectWatch';
import { matchingTopics, resolveTailTopics } from './tailTopics';

export interface TailSessionHooks extends PositionSource {
  /** Every topic name on the cluster (to resolve a topic pattern). */
  listTopics(): Promise<string[]>;
  /** Removes the session's throwaway consumer group once the consumer has left it. */
  deleteGroup(groupId: string): Promise<void>;
  onStopped(session: KafkaTailSession): void;
}

/** Prefix of every tail group, so leftovers are recognisable on a cluster. */
export const TAIL_GROUP_PREFIX = 'mq-explorer-tail-';

/** How often a tail with a topic pattern looks for new matching topics (one ListTopics request). */
const PATTERN_RESCAN_MS = 30_000;

/**
 * A consumer for looking. Broadcast (default): a unique throwaway group, no offset commits, the
 * group deleted on stop, so the cluster keeps no trace. Shared: a named group whose members
 * compete for partitions; this tail gets its share and commits what it has shown.
 * Push streams continuously; pull keeps every partition paused (no fetch requests at all) until
 * `fetchNext` asks for N, and pauses again once N arrived.
 */
export class KafkaTailSession implements TailSession {
  readonly id = randomUUID();
  readonly groupId: string;
  readonly identity: TailIdentity;
  readonly mode: TailMode;
  topics: string[] = [];
  private readonly consumer: Consumer;
  private readonly positions: TailPositions;
  private stopping: Promise<void> | undefined;
  private assignment: Record<string, number[]> = {};
  private joined = false;
  private crashed = false;
  /** Notices a lost broker or leader and reports the state ("Reconnecting" while the consumer cannot fetch). */
  private readonly reconnect: TailReconnectWatch;
  private rescanTimer: NodeJS.Timeout | undefined;
  /** Set while the consumer stops and runs again to add topics; the fetch loop is down on purpose. */
  private restarting = false;
  private userPaused = false;
  private pullRemaining = 0;
  private pullDelivered = 0;
  private pullDone: ((delivered: number) => void) | undefined;
  /** Fetch requests sent so far: proof that a paused pull tail asks the brokers for nothing. */
  fetchRequests = 0;
  heartbeats = 0;

  constructor(
    kafka: Kafka,
    private readonly options: TailOptions,
    private readonly listener: TailListener,
    private readonly logger: Logger,
    private readonly hooks: TailSessionHooks,
  ) {
    const shared = options.group !== undefined && options.group.trim() !== '';
    this.groupId = shared ? options.group!.trim() : `${TAIL_GROUP_PREFIX}${this.id}`;
    this.identity = { kind: shared ? 'shared' : 'broadcast', groupId: this.groupId };
    this.mode = options.mode ?? 'push';
    this.positions = new TailPositions(hooks);
    this.reconnect = new TailReconnectWatch(kafka, {
      groupId: this.groupId,
      logger,
      topics: () => this.topics,
      tailedPartitions: () => this.tailedPartitions(),
      stopping: () => this.stopping !== undefined,
      crashed: () => this.crashed,
      joined: () => this.joined,
      restarting: () => this.restarting,
      paused: () => this.userPaused,
      fetchingWanted: () => this.active(),
      onState: (state, detail) => this.listener.onState(state, detail),
      holdsChanged: () => this.applyPauses(),
    });
    this.consumer = createTailConsumer(kafka, this.groupId);
    const events = this.consumer.events;
    this.consumer.on(events.GROUP_JOIN, (event) => {
      const previous = this.assignment;
      const rejoin = this.joined;
      this.assignment = event.payload.memberAssignment;
      this.joined = true;
      this.reconnect.groupJoined();
      this.positionAt(event.payload.memberAssignment, previous);
      this.applyPauses();
      this.reconnect.report();
      if (rejoin) {
        this.reconnect.suspect();
      }
    });
    this.consumer.on(events.REQUEST, (event) => {
      if (event.payload.apiName === 'Fetch') {
        this.fetchRequests++;
      }
    });
    this.consumer.on(events.HEARTBEAT, () => this.heartbeats++);
    this.reconnect.observe(this.consumer);
    this.consumer.on(events.CRASH, (event) => {
      const { error, restart } = event.payload;
      this.logger.error(`Tail ${this.groupId} crashed: ${error.message}${restart ? ' (restarting)' : ''}`);
      if (!restart) {
        this.crashed = true;
        this.listener.onState('failed', error.message);
        return;
      }
      // kafkajs restarts the consumer with new fetchers and a new membership: a shared group then
      // resumes from its commits, a broadcast one from the positions this session keeps (positionAt).
      this.assignment = {};
      this.reconnect.consumerRestarts(error.message);
    });
  }

  /** Resolves topics and start offsets, connects and subscribes; resolves once the consumer runs. */
  async start(): Promise<void> {
    this.reconnect.report();
    this.topics = await resolveTailTopics(this.options, () => this.hooks.listTopics());
    await this.positions.resolve(this.topics, this.options, this.identity.kind === 'broadcast');
    await this.consumer.connect();
    // A broadcast group has no commits and seeks on join; a shared group without commits starts per `start`.
    const fromBeginning = this.identity.kind === 'broadcast' || (this.options.start ?? (this.options.fromBeginning ? 'earliest' : 'latest')) === 'earliest';
    await this.consumer.subscribe({ topics: this.topics, fromBeginning });
    await this.runConsumer();
    this.reconnect.start();
    if (this.options.topicPattern) {
      this.rescanTimer = setInterval(() => void this.rescanTopics().catch(() => undefined), PATTERN_RESCAN_MS);
      this.rescanTimer.unref?.();
    }
    void this.reconnect.readLayout();
    this.emitLag();
  }

  /**
   * Tails topics created since the tail started that match its pattern (called every 30 s). kafkajs
   * cannot change a running subscription, so the consumer stops and runs again; every partition
   * already tailed resumes at its next offset (positionAt), the new topics start at their earliest.
   * Resolves with the topics added.
   */
  async rescanTopics(): Promise<string[]> {
    if (!this.options.topicPattern || this.stopping || this.crashed || this.restarting) {
      return [];
    }
    const pattern = new RegExp(this.options.topicPattern);
    const added = matchingTopics(await this.hooks.listTopics(), pattern, this.topics);
    const usable: string[] = [];
    for (const topic of added) {
      try {
        // New topics start at their earliest offset: everything in them is new to this tail.
        await this.positions.resolve([topic], { ...this.options, start: 'earliest', startOffsets: undefined }, this.identity.kind === 'broadcast');
        usable.push(topic);
      } catch (error) {
        this.logger.warn(`Tail ${this.groupId}: not tailing new topic ${topic}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (usable.length === 0 || this.stopping || this.crashed) {
      return [];
    }
    this.restarting = true;
    try {
      await this.consumer.stop();
      if (this.stopping) {
        return [];
      }
      this.reconnect.resetFetchers();
      this.topics = [...this.topics, ...usable];
      await this.consumer.subscribe({ topics: usable, fromBeginning: true });
      await this.runConsumer();
      this.logger.info(`Tail ${this.groupId}: now also tailing ${usable.join(', ')} (new topics matching /${this.options.topicPattern}/)`);
      void this.reconnect.readLayout();
      return usable;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.logger.error(`Tail ${this.groupId}: could not add the new topics ${usable.join(', ')}: ${message}`);
      if (!this.stopping) {
        this.crashed = true;
        this.listener.onState('failed', `Could not add the new topics ${usable.join(', ')}: ${message}`);
      }
      return [];
    } finally {
      this.restarting = false;
    }
  }

  private runConsumer(): Promise<void> {
    return this.consumer.run({
      autoCommit: this.identity.kind === 'shared',
      eachBatchAutoResolve: false,
      eachBatch: async (payload) => this.deliver(payload),
    });
  }

  pause(): void {
    this.userPaused = true;
    this.applyPauses();
    this.reconnect.report();
  }

  resume(): void {
    this.userPaused = false;
    this.applyPauses();
    this.reconnect.report();
  }

  async fetchNext(count: number): Promise<number> {
    if (this.mode !== 'pull') {
      throw new Error('"Fetch next" is for pull mode; this tail streams (push).');
    }
    if (this.pullDone) {
      return 0; // one pull at a time
    }
    await this.positions.refreshEnds();
    const lag = this.currentLag();
    // Unknown positions (a shared group before its first batch) cannot be counted: then ask for `count`.
    const available = lag.partitions.length > 0 ? lag.total : count;
    const target = Math.min(Math.max(0, Math.floor(count)), available);
    this.listener.onLag?.(lag);
    if (target === 0 || this.stopping) {
      return 0;
    }
    const done = new Promise<number>((resolve) => (this.pullDone = resolve));
    this.pullRemaining = target;
    this.pullDelivered = 0;
    this.applyPauses();
    return done;
  }

  async refreshLag(): Promise<TailLag> {
    await this.positions.refreshEnds();
    return this.emitLag();
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    this.reconnect.stopWatching();
    clearInterval(this.rescanTimer);
    this.finishPull();
    try {
      await this.consumer.disconnect();
      if (this.identity.kind === 'broadcast') {
        await this.hooks.deleteGroup(this.groupId);
      }
    } catch (error) {
      this.logger.warn(`Could not remove tail group ${this.groupId}: ${String(error)}`);
    } finally {
      await this.reconnect.close();
      this.listener.onState('stopped');
      this.hooks.onStopped(this);
    }
  }

  /** The partitions this tail reads now: assigned to it and selected. */
  private tailedPartitions(): TailedPartition[] {
    return Object.entries(this.assignment).flatMap(([topic, partitions]) =>
      partitions.filter((partition) => this.positions.isSelected(topic, partition)).map((partition) => ({ topic, partition })),
    );
  }

  /** Whether the selected partitions should be fetching now. */
  private active(): boolean {
    return !this.userPaused && !this.stopping && (this.mode === 'push' || this.pullRemaining > 0);
  }

  /**
   * Pauses partitions outside the selection and those whose leader is unreachable (held by the
   * reconnect watch) always, and the selection when paused or between pulls.
   */
  private applyPauses(): void {
    const pause: { topic: string; partitions: number[] }[] = [];
    const resume: { topic: string; partitions: number[] }[] = [];
    for (const [topic, partitions] of Object.entries(this.assignment)) {
      const fetchable = (p: number): boolean => this.positions.isSelected(topic, p) && !this.reconnect.isHeld(topic, p);
      const wanted = partitions.filter(fetchable);
      const unwanted = partitions.filter((p) => !fetchable(p));
      if (unwanted.length > 0) {
        pause.push({ topic, partitions: unwanted });
      }
      if (wanted.length > 0) {
        (this.active() ? resume : pause).push({ topic, partitions: wanted });
      }
    }
    try {
      if (pause.length > 0) {
        this.consumer.pause(pause);
      }
      if (resume.length > 0) {
        this.consumer.resume(resume);
      }
    } catch (error) {
      // Before the first join there is nothing to pause; the join applies the pauses.
      this.logger.debug(`Tail ${this.groupId}: pause/resume deferred (${String(error)})`);
    }
  }

  /** Seeks assigned partitions to the next offset this session has to show (see TailPositions.resumeOffsets). */
  private positionAt(assignment: Record<string, number[]>, previous: Record<string, number[]>): void {
    for (const seek of this.positions.resumeOffsets(assignment, previous, this.identity.kind === 'shared')) {
      this.consumer.seek(seek);
    }
  }

  private deliver(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const { topic, partition } = batch;
    this.positions.sawEnd(topic, partition, batch.highWatermark);
    if (!this.positions.isSelected(topic, partition) || !this.active()) {
      // Left unresolved: fetched again from the same offset when the partition is resumed.
      return Promise.resolve();
    }
    const next = this.positions.position.get(tpKey(topic, partition));
    // Records before the next offset to show were shown already or precede the start (a fetch
    // issued before a seek landed, a shared group's stale commit): skip and resolve them.
    const fresh: KafkaMessage[] = [];
    for (const m of batch.messages) {
      if (next !== undefined && BigInt(m.offset) < next) {
        payload.resolveOffset(m.offset);
      } else {
        fresh.push(m);
      }
    }
    const take = this.mode === 'pull' ? fresh.slice(0, this.pullRemaining) : fresh;
    if (take.length > 0) {
      this.listener.onMessages(take.map((m) => toTailMessage(topic, partition, m)));
      const last = take[take.length - 1].offset;
      payload.resolveOffset(last);
      this.positions.delivered(topic, partition, last);
    }
    if (this.mode === 'pull') {
      this.pullRemaining -= take.length;
      this.pullDelivered += take.length;
      if (this.pullRemaining <= 0) {
        payload.pause();
        this.finishPull();
      }
    }
    this.emitLag();
    return Promise.resolve();
  }

  private finishPull(): void {
    this.pullRemaining = 0;
    this.applyPauses();
    const done = this.pullDone;
    this.pullDone = undefined;
    done?.(this.pullDelivered);
  }

  private currentLag(): TailLag {
    if (this.identity.kind === 'broadcast') {
      return this.positions.lag();
    }
    return this.positions.lag((topic, partition) => this.assignment[topic]?.includes(partition) ?? false);
  }

  private emitLag(): TailLag {
    const lag = this.currentLag();
    this.listener.onLag?.(lag);
    return lag;
  }
}

