import { randomUUID } from 'node:crypto';
import type { Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import type {
  Logger,
  TailIdentity,
  TailLag,
  TailListener,
  TailMessage,
  TailMode,
  TailOptions,
  TailSession,
} from '../core/brokerClient';
import { decodePayload } from '../tail/decode';
import { type PositionSource, TailPositions, tpKey } from './tailPositions';

export interface TailSessionHooks extends PositionSource {
  /** Every topic name on the cluster (to resolve a topic pattern). */
  listTopics(): Promise<string[]>;
  /** Removes the session's throwaway consumer group once the consumer has left it. */
  deleteGroup(groupId: string): Promise<void>;
  onStopped(session: KafkaTailSession): void;
}

/** Prefix of every tail group, so leftovers are recognisable on a cluster. */
export const TAIL_GROUP_PREFIX = 'mq-explorer-tail-';

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
  private readonly positioned = new Set<string>();
  private assignment: Record<string, number[]> = {};
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
    this.consumer = kafka.consumer({
      groupId: this.groupId,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 250,
      retry: { retries: 5 },
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, (event) => {
      this.assignment = event.payload.memberAssignment;
      this.positionAt(event.payload.memberAssignment);
      this.applyPauses();
      this.listener.onState(this.userPaused ? 'paused' : 'running');
    });
    this.consumer.on(this.consumer.events.REQUEST, (event) => {
      if (event.payload.apiName === 'Fetch') {
        this.fetchRequests++;
      }
    });
    this.consumer.on(this.consumer.events.HEARTBEAT, () => this.heartbeats++);
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      const { error, restart } = event.payload;
      this.logger.error(`Tail ${this.groupId} crashed: ${error.message}${restart ? ' (restarting)' : ''}`);
      this.listener.onState(restart ? 'connecting' : 'failed', restart ? `Reconnecting: ${error.message}` : error.message);
    });
  }

  /** Resolves topics and start offsets, connects and subscribes; resolves once the consumer runs. */
  async start(): Promise<void> {
    this.listener.onState('connecting');
    this.topics = await this.resolveTopics();
    await this.positions.resolve(this.topics, this.options, this.identity.kind === 'broadcast');
    await this.consumer.connect();
    // A broadcast group has no commits and seeks on join; a shared group without commits starts per `start`.
    const fromBeginning = this.identity.kind === 'broadcast' || (this.options.start ?? (this.options.fromBeginning ? 'earliest' : 'latest')) === 'earliest';
    await this.consumer.subscribe({ topics: this.topics, fromBeginning });
    await this.consumer.run({
      autoCommit: this.identity.kind === 'shared',
      eachBatchAutoResolve: false,
      eachBatch: async (payload) => this.deliver(payload),
    });
    this.emitLag();
  }

  pause(): void {
    this.userPaused = true;
    this.applyPauses();
    this.listener.onState('paused');
  }

  resume(): void {
    this.userPaused = false;
    this.applyPauses();
    this.listener.onState('running');
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
    this.finishPull();
    try {
      await this.consumer.disconnect();
      if (this.identity.kind === 'broadcast') {
        await this.hooks.deleteGroup(this.groupId);
      }
    } catch (error) {
      this.logger.warn(`Could not remove tail group ${this.groupId}: ${String(error)}`);
    } finally {
      this.listener.onState('stopped');
      this.hooks.onStopped(this);
    }
  }

  private async resolveTopics(): Promise<string[]> {
    const topics = [...this.options.topics];
    if (this.options.topicPattern) {
      let pattern: RegExp;
      try {
        pattern = new RegExp(this.options.topicPattern);
      } catch (error) {
        throw new Error(`The topic pattern /${this.options.topicPattern}/ is not a valid regex: ${(error as Error).message}`);
      }
      const matched = (await this.hooks.listTopics()).filter((t) => pattern.test(t) && !t.startsWith('__')).sort();
      topics.push(...matched.filter((t) => !topics.includes(t)));
    }
    if (topics.length === 0) {
      throw new Error(`No topic to tail: /${this.options.topicPattern ?? ''}/ matches no topic on the cluster.`);
    }
    return topics;
  }

  /** Whether the selected partitions should be fetching now. */
  private active(): boolean {
    return !this.userPaused && !this.stopping && (this.mode === 'push' || this.pullRemaining > 0);
  }

  /** Pauses partitions outside the selection always, and the selection when paused or between pulls. */
  private applyPauses(): void {
    const pause: { topic: string; partitions: number[] }[] = [];
    const resume: { topic: string; partitions: number[] }[] = [];
    for (const [topic, partitions] of Object.entries(this.assignment)) {
      const wanted = partitions.filter((p) => this.positions.isSelected(topic, p));
      const unwanted = partitions.filter((p) => !this.positions.isSelected(topic, p));
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

  /** Seeks newly assigned partitions to the recorded start, once each (a rebalance must not replay). */
  private positionAt(assignment: Record<string, number[]>): void {
    for (const [topic, partitions] of Object.entries(assignment)) {
      for (const partition of partitions) {
        const key = tpKey(topic, partition);
        const start = this.positions.start.get(key);
        if (start !== undefined && !this.positioned.has(key)) {
          this.positioned.add(key);
          this.consumer.seek({ topic, partition, offset: start.toString() });
        }
      }
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
    const start = this.positions.start.get(tpKey(topic, partition));
    // A fetch issued before the seek landed may still carry older records: skip (and resolve) them.
    const fresh: KafkaMessage[] = [];
    for (const m of batch.messages) {
      if (start !== undefined && BigInt(m.offset) < start) {
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

function toTailMessage(topic: string, partition: number, m: KafkaMessage): TailMessage {
  const key = m.key ? decodePayload(m.key) : undefined;
  const value = m.value ? decodePayload(m.value) : undefined;
  const message: TailMessage = {
    topic,
    partition,
    offset: m.offset,
    timestamp: Number(m.timestamp),
    key: key ? key.text : null,
    value: value ? value.text : null,
    headers: decodeHeaders(m.headers),
    size: m.value?.length ?? 0,
  };
  if (key?.encoding === 'base64') {
    message.keyBinary = true;
  }
  if (value?.encoding === 'base64') {
    message.valueBinary = true;
  }
  return message;
}

/** Header values arrive as Buffers (or arrays of them when a name repeats); the tail shows text. */
export function decodeHeaders(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers ?? {})) {
    const values = Array.isArray(raw) ? raw : [raw];
    result[name] = values
      .filter((v): v is Buffer | string => v !== undefined)
      .map((v) => v.toString())
      .join(', ');
  }
  return result;
}
