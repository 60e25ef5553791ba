/**
 * The kafkajs consumer of a tail session, tuned so the tail notices trouble and recovers quickly.
 * The reconnect watch relies on these timings (see tailReconnectWatch.ts and tailHealth.ts).
 */
import type { Consumer, Kafka } from 'kafkajs';

/** kafkajs long-poll wait: an idle fetch returns after this, so every broker's fetcher cycles at about 4 Hz. */
const MAX_WAIT_MS = 250;
/**
 * Heartbeats every second (kafkajs' default is 3 s): a heartbeat after trouble is part of the proof
 * that the tail recovered, so this bounds how long "Reconnecting" lingers after fetches resume.
 */
export const HEARTBEAT_INTERVAL_MS = 1_000;
/**
 * A consumer that crashed (e.g. its group coordinator stopped) rejoins as a new member, and the
 * coordinator waits for the old member's session to expire first: 10 s instead of kafkajs' 30 s.
 */
const SESSION_TIMEOUT_MS = 10_000;

/** A consumer in `groupId` that never creates a topic, long-polls briefly and heartbeats every second. */
export function createTailConsumer(kafka: Kafka, groupId: string): Consumer {
  return kafka.consumer({
    groupId,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: MAX_WAIT_MS,
    heartbeatInterval: HEARTBEAT_INTERVAL_MS,
    sessionTimeout: SESSION_TIMEOUT_MS,
    retry: { retries: 5 },
  });
}
