/**
 * Whether a tail's consumer is still talking to its brokers, judged from kafkajs' own fetch loop.
 * kafkajs retries a lost partition leader silently (a fetch that throws is retried by the whole
 * fetch manager; a broker whose connection closed is dropped from the fetch rounds), so nothing
 * reaches the user unless the consumer finally crashes. This watches the loop instead:
 *
 * - kafkajs runs one fetcher per broker, each emitting FETCH_START then FETCH per long poll
 *   (maxWaitTimeInMs, 250 ms here), idle or not, paused partitions or not. A FETCH_START with no
 *   FETCH before the next one for the same broker means that fetch threw: the broker failed.
 * - A fetch pending far longer than a long poll: the broker is not answering.
 * - A broker with no new fetch while the others keep cycling: kafkajs dropped it (its connection
 *   closed) and waits for metadata naming a new leader.
 * - No successful heartbeat for several intervals while fetches cycle: the group coordinator is
 *   unreachable (kafkajs will crash and restart the consumer after its retries).
 *
 * Recovery = every broker still fetched completed a fetch that began after the trouble began, and
 * a heartbeat succeeded after it. No kafkajs import and no timers: the session feeds events and
 * asks; the clock is injected so tests can drive it.
 */

export interface HealthLimits {
  /** A fetch pending longer than this (ms) means its broker is not answering. */
  stuckMs: number;
  /** A broker not fetched for this long (ms) while others cycle is gone from the fetch rounds. */
  goneMs: number;
  /** No heartbeat for this long (ms) while fetches cycle: the coordinator is unreachable. */
  heartbeatMs: number;
}

export type ProblemKind = 'failing' | 'stuck' | 'gone' | 'coordinator';

export interface HealthProblem {
  kind: ProblemKind;
  /** kafkajs node id of the broker (absent for the coordinator, whose id kafkajs does not report). */
  nodeId?: string;
}

interface NodeState {
  /** When the last fetch began. */
  lastStart: number;
  /** When the pending fetch began; undefined while none is pending. */
  pendingSince?: number;
  /** Start time of the last fetch that completed. */
  lastOkStart: number;
  /** When the last fetch completed (0 = never). */
  lastDone: number;
  /** Set when a fetch threw; cleared by the next fetch that completes. */
  failedAt?: number;
  /** Set once the broker dropped out of the fetch rounds. */
  goneAt?: number;
}

export class FetchHealth {
  private readonly nodes = new Map<string, NodeState>();
  private lastHeartbeat: number;

  constructor(
    private readonly now: () => number,
    private readonly limits: HealthLimits,
  ) {
    this.lastHeartbeat = now();
  }

  fetchStart(nodeId: string | number): void {
    const id = String(nodeId);
    const now = this.now();
    const node = this.nodes.get(id) ?? { lastStart: now, lastOkStart: 0, lastDone: 0 };
    if (node.pendingSince !== undefined) {
      // The previous fetch of this broker never completed: it threw, and kafkajs retries.
      node.failedAt ??= now;
    }
    node.pendingSince = now;
    node.lastStart = now;
    node.goneAt = undefined;
    this.nodes.set(id, node);
  }

  fetchDone(nodeId: string | number): void {
    const node = this.nodes.get(String(nodeId));
    if (!node || node.pendingSince === undefined) {
      return;
    }
    node.lastOkStart = node.pendingSince;
    node.lastDone = this.now();
    node.pendingSince = undefined;
    node.failedAt = undefined;
  }

  /** Whether the broker's last fetch threw (and none has completed since). */
  isFailing(nodeId: string | number): boolean {
    return this.nodes.get(String(nodeId))?.failedAt !== undefined;
  }

  /** One line per broker, for logs. */
  summary(): string {
    const now = this.now();
    const nodes = [...this.nodes].map(
      ([id, n]) =>
        `${id}:${n.pendingSince !== undefined ? `pending ${now - n.pendingSince}ms` : 'idle'} done ${n.lastDone ? now - n.lastDone : '-'}ms okStart ${n.lastOkStart ? now - n.lastOkStart : '-'}ms${n.failedAt !== undefined ? ' FAILED' : ''}${n.goneAt !== undefined ? ' GONE' : ''}`,
    );
    return `${nodes.join('; ')}; heartbeat ${now - this.lastHeartbeat}ms ago`;
  }

  /** A successful heartbeat, or a (re)join, which proves the coordinator answers. */
  heartbeat(): void {
    this.lastHeartbeat = this.now();
  }

  /** The consumer restarts (crash, resubscription): its fetchers are new, forget the old ones. */
  reset(): void {
    this.nodes.clear();
    this.lastHeartbeat = this.now();
  }

  /**
   * What is wrong now (empty when nothing is). Marks brokers that dropped out of the rounds as gone.
   * `isLive` says whether a broker is still in the cluster (undefined when unknown): a broker that
   * left has no fetcher any more, so its last fetch (failed or never answered) stays unfinished.
   */
  problems(isLive: (nodeId: string) => boolean | undefined = () => undefined): HealthProblem[] {
    const now = this.now();
    const { stuckMs, goneMs, heartbeatMs } = this.limits;
    const problems: HealthProblem[] = [];
    let latestDone = 0;
    for (const node of this.nodes.values()) {
      latestDone = Math.max(latestDone, node.lastDone);
    }
    for (const [nodeId, node] of this.nodes) {
      // Others completed fetches well after this broker's last one began, and it has not asked again.
      const leftBehind = now - node.lastStart > goneMs && latestDone - node.lastStart > goneMs;
      if (node.goneAt !== undefined) {
        problems.push({ kind: 'gone', nodeId });
      } else if (leftBehind && (node.failedAt !== undefined || (node.pendingSince !== undefined && isLive(nodeId) === false))) {
        // kafkajs stopped retrying it (dropped from its broker pool); a fetch that never answers
        // counts as abandoned only once the broker left the cluster (else it may still answer).
        node.goneAt = now;
        problems.push({ kind: 'gone', nodeId });
      } else if (node.failedAt !== undefined) {
        problems.push({ kind: 'failing', nodeId });
      } else if (node.pendingSince !== undefined && now - node.pendingSince > stuckMs) {
        problems.push({ kind: 'stuck', nodeId });
      } else if (node.pendingSince === undefined && node.lastDone > 0 && now - node.lastDone > goneMs && latestDone - node.lastDone > goneMs) {
        // Not fetched again since its last answer while the others kept cycling: dropped from the rounds.
        node.goneAt = now;
        problems.push({ kind: 'gone', nodeId });
      }
    }
    const cycling = latestDone > 0 && now - latestDone < goneMs;
    if (cycling && now - this.lastHeartbeat > heartbeatMs) {
      problems.push({ kind: 'coordinator' });
    }
    return problems;
  }

  /**
   * Whether the trouble that began at `since` is over: nothing failing, stuck or silent now, every
   * broker still in the rounds completed a fetch begun after `since`, and a heartbeat came after it.
   * Brokers that dropped out are forgotten then (kafkajs fetches their partitions elsewhere).
   */
  recoveredSince(since: number, isLive?: (nodeId: string) => boolean | undefined): boolean {
    if (this.problems(isLive).some((p) => p.kind !== 'gone')) {
      return false;
    }
    const current = [...this.nodes.values()].filter((n) => n.goneAt === undefined);
    if (current.length === 0 || !current.every((n) => n.lastOkStart > since) || this.lastHeartbeat <= since) {
      return false;
    }
    for (const [nodeId, node] of this.nodes) {
      if (node.goneAt !== undefined) {
        this.nodes.delete(nodeId);
      }
    }
    return true;
  }
}
