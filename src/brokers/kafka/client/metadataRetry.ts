/**
 * Retrying while cluster metadata spreads. Right after a topic is created (by any tool) or a leader
 * moves, a broker may still answer "unknown topic" or "not the leader" for a moment although the
 * cluster already named the partition's leader; the next try a little later succeeds.
 */

const SPREADING = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE', 'NOT_LEADER_FOR_PARTITION', 'NOT_LEADER_OR_FOLLOWER']);

/** Retries for up to 3 s while metadata of a new topic or a moved leader spreads across brokers. */
export async function retryWhileSpreading<T>(work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 3_000;
  for (;;) {
    try {
      return await work();
    } catch (error) {
      const type = (error as { type?: string }).type ?? (error as { originalError?: { type?: string } }).originalError?.type;
      if (!type || !SPREADING.has(type) || Date.now() > deadline) {
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }
}
