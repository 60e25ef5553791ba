/**
 * Changes one topic config with IncrementalAlterConfigs (KIP-339, Kafka 2.3 and later): the broker
 * sets or deletes that one entry and leaves every other override alone, so a change made by another
 * tool at the same moment is not overwritten. kafkajs 2.2.4 only has the older AlterConfigs, which
 * replaces all of a topic's overrides with the list sent; the request is built here and sent over
 * kafkajs' own connections (kafkajsInternals.ts).
 */
import type { Kafka } from 'kafkajs';
import { type KjsError, createCluster, createErrorFromCode, sendRaw } from '../client/kafkajsInternals';

const INCREMENTAL_ALTER_CONFIGS = 44;
const TOPIC_RESOURCE = 2;
const SET = 0;
const DELETE = 1;

/** The request body, version 0: one topic resource with one SET or DELETE, not validate-only. */
export function encodeIncrementalAlterConfig(topic: string, name: string, value: string | undefined): Buffer {
  const topicBytes = Buffer.from(topic, 'utf8');
  const nameBytes = Buffer.from(name, 'utf8');
  const valueBytes = value === undefined ? undefined : Buffer.from(value, 'utf8');
  const size = 4 + 1 + 2 + topicBytes.length + 4 + 2 + nameBytes.length + 1 + 2 + (valueBytes?.length ?? 0) + 1;
  const out = Buffer.alloc(size);
  let at = out.writeInt32BE(1, 0); // one resource
  at = out.writeInt8(TOPIC_RESOURCE, at);
  at = out.writeInt16BE(topicBytes.length, at);
  at += topicBytes.copy(out, at);
  at = out.writeInt32BE(1, at); // one config
  at = out.writeInt16BE(nameBytes.length, at);
  at += nameBytes.copy(out, at);
  at = out.writeInt8(valueBytes ? SET : DELETE, at);
  if (valueBytes) {
    at = out.writeInt16BE(valueBytes.length, at);
    at += valueBytes.copy(out, at);
  } else {
    at = out.writeInt16BE(-1, at); // null value
  }
  out.writeInt8(0, at); // validate_only: false
  return out;
}

/** The response body, version 0: the first resource's error code and message (0 and null when it worked). */
export function decodeIncrementalAlterConfigResponse(raw: Buffer): { errorCode: number; errorMessage: string | null } {
  let at = 4; // throttle_time_ms
  const count = raw.readInt32BE(at);
  at += 4;
  if (count < 1) {
    throw new Error('IncrementalAlterConfigs answered for no resource');
  }
  const errorCode = raw.readInt16BE(at);
  at += 2;
  const length = raw.readInt16BE(at);
  at += 2;
  const errorMessage = length < 0 ? null : raw.toString('utf8', at, at + length);
  return { errorCode, errorMessage };
}

/**
 * Sets (or, with `value` undefined, deletes) one override of `topic`. Resolves false when the
 * brokers do not support the request (the caller falls back to AlterConfigs).
 */
export async function alterTopicConfigIncrementally(kafka: Kafka, topic: string, name: string, value: string | undefined): Promise<boolean> {
  const cluster = createCluster(kafka, { allowAutoTopicCreation: false, metadataMaxAge: 300_000 });
  try {
    await cluster.connect();
    await cluster.refreshMetadata();
    // Any broker accepts it (KRaft forwards to the active controller); kafkajs sends AlterConfigs to this one too.
    const broker = await cluster.findControllerBroker();
    if (broker.versions && !broker.versions[INCREMENTAL_ALTER_CONFIGS]) {
      return false;
    }
    const answer = await sendRaw(
      broker,
      { apiKey: INCREMENTAL_ALTER_CONFIGS, apiVersion: 0, apiName: 'IncrementalAlterConfigs', body: encodeIncrementalAlterConfig(topic, name, value) },
      decodeIncrementalAlterConfigResponse,
    );
    if (answer.errorCode !== 0) {
      // The broker's own words (e.g. why a value is invalid) say more than its code.
      const error: KjsError & { brokerMessage?: string } = createErrorFromCode(answer.errorCode);
      error.brokerMessage = answer.errorMessage ?? undefined;
      throw error;
    }
    return true;
  } finally {
    await cluster.disconnect().catch(() => undefined);
  }
}
