/**
 * Commits a consumer group's offsets as an administrator does (kafka-consumer-groups
 * --reset-offsets, AdminClient.alterConsumerGroupOffsets): one OffsetCommit to the group's
 * coordinator with generation -1 and no member id. The coordinator accepts it only while the group
 * has no members, so a consumer that joined after the reset was planned makes the whole commit fail
 * and nothing changes. kafkajs' setOffsets instead joins the group as a consumer for a moment (a
 * rebalance of several seconds); this request is built here and sent over kafkajs' own connections
 * (kafkajsInternals.ts).
 */
import type { Kafka } from 'kafkajs';
import { BrokerOperationError } from '../../../core/errors';
import { type KjsError, createCluster, createErrorFromCode, sendRaw } from '../client/kafkajsInternals';

const OFFSET_COMMIT = 8;
/** v5 (Kafka 2.1+): no retention time, no leader epoch, no group instance id; not yet "flexible". */
const VERSION = 5;
/** The coordinator's answers when the group has (or is getting) members. */
const GROUP_BUSY = new Set(['UNKNOWN_MEMBER_ID', 'ILLEGAL_GENERATION', 'REBALANCE_IN_PROGRESS']);

function stringBytes(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const out = Buffer.alloc(2 + bytes.length);
  out.writeInt16BE(bytes.length, 0);
  bytes.copy(out, 2);
  return out;
}

/** The request body, version 5: one topic, its partitions' offsets, no metadata. */
export function encodeOffsetCommit(groupId: string, topic: string, offsets: readonly { partition: number; offset: string }[]): Buffer {
  const head = Buffer.alloc(4);
  head.writeInt32BE(-1, 0); // generation_id: none (an administrator's commit)
  const counts = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(n, 0);
    return b;
  };
  const partitions = offsets.map(({ partition, offset }) => {
    const b = Buffer.alloc(4 + 8 + 2);
    b.writeInt32BE(partition, 0);
    b.writeBigInt64BE(BigInt(offset), 4);
    b.writeInt16BE(-1, 12); // committed_metadata: null
    return b;
  });
  return Buffer.concat([stringBytes(groupId), head, stringBytes(''), counts(1), stringBytes(topic), counts(offsets.length), ...partitions]);
}

/** The response body, version 5: the error code of each partition. */
export function decodeOffsetCommitResponse(raw: Buffer): { partition: number; errorCode: number }[] {
  let at = 4; // throttle_time_ms
  const out: { partition: number; errorCode: number }[] = [];
  const topics = raw.readInt32BE(at);
  at += 4;
  for (let t = 0; t < topics; t++) {
    at += 2 + raw.readInt16BE(at); // name
    const partitions = raw.readInt32BE(at);
    at += 4;
    for (let p = 0; p < partitions; p++) {
      out.push({ partition: raw.readInt32BE(at), errorCode: raw.readInt16BE(at + 4) });
      at += 6;
    }
  }
  return out;
}

/**
 * Commits `offsets` of `topic` for the group. Resolves false when the coordinator does not speak
 * OffsetCommit v5 (the caller falls back to kafkajs' setOffsets).
 */
export async function commitGroupOffsets(kafka: Kafka, groupId: string, topic: string, offsets: readonly { partition: number; offset: string }[]): Promise<boolean> {
  const cluster = createCluster(kafka, { allowAutoTopicCreation: false, metadataMaxAge: 300_000 });
  try {
    await cluster.connect();
    const coordinator = await cluster.findGroupCoordinator({ groupId });
    const range = coordinator.versions?.[OFFSET_COMMIT];
    if (coordinator.versions && (!range || range.minVersion > VERSION || range.maxVersion < VERSION)) {
      return false;
    }
    const answers = await sendRaw(
      coordinator,
      { apiKey: OFFSET_COMMIT, apiVersion: VERSION, apiName: 'OffsetCommit', body: encodeOffsetCommit(groupId, topic, offsets) },
      decodeOffsetCommitResponse,
    );
    const failed = answers.filter((a) => a.errorCode !== 0);
    if (failed.length > 0) {
      const error: KjsError = createErrorFromCode(failed[0].errorCode);
      if (GROUP_BUSY.has(error.type ?? '')) {
        throw new BrokerOperationError(
          `Offsets of "${groupId}" can only be reset while the group is empty; a consumer joined it after the preview. Nothing was changed.`,
          error,
        );
      }
      throw error;
    }
    return true;
  } finally {
    await cluster.disconnect().catch(() => undefined);
  }
}
