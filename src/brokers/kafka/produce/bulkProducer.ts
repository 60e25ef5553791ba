/**
 * Sends record batches that are already encoded (recordBatch.ts) as Produce requests over kafkajs'
 * own connections, so connecting, SASL, TLS, framing, correlation ids, request timeouts and
 * metadata stay kafkajs'.
 *
 * Why kafkajs internals: its public producer takes message objects and encodes every record
 * through generic Encoder objects (one per record and per header, a byte-at-a-time CRC), which
 * costs more than everything else when a file of a million lines is produced. kafkajs has no
 * public API to send a request it did not build, so this module reaches into it through the typed
 * internals of kafkajsInternals.ts (pinned kafkajs 2.2.4), plus the Produce v3..v7 response
 * decoders and kafkajs/src/protocol/message/compression (lookupCodec: the codecs registered in
 * codecs.ts).
 */
import type { Kafka } from 'kafkajs';
import type { Logger, ProduceOptions } from '../../../core/brokerClient';
import { BrokerOperationError, DeliveryUnknownError } from '../../../core/errors';
import type { BulkBatch, BulkBatchEncoder, BulkOutcome, BulkSender } from '../../../core/brokerCapabilities';
import { compressionType } from '../codecs/codecs';
import { describeBrokerError } from '../client/errors';
import { type KjsCluster, type KjsError, type Retrier, createCluster, createErrorFromCode, createRetry, sendRaw } from '../client/kafkajsInternals';
import { type SizeLimit, explainTooLarge } from './messageSize';
import { BATCH_HEADER_SIZE, RecordBatchBuilder, rebuildBatch, recordSpans, withCompressedRecords } from './recordBatch';

interface KjsProduceResponse {
  topics: { topicName: string; partitions: { partition: number; errorCode: number; baseOffset: string }[] }[];
}

/* eslint-disable @typescript-eslint/no-require-imports */
type ResponseDecoder = { decode(raw: Buffer): Promise<KjsProduceResponse> };
/** Produce v3 to v7 share the request body this module writes; their responses differ (v5 adds log_start_offset). */
const PRODUCE_RESPONSES: Record<number, ResponseDecoder> = {
  3: require('kafkajs/src/protocol/requests/produce/v3/response') as ResponseDecoder,
  4: require('kafkajs/src/protocol/requests/produce/v4/response') as ResponseDecoder,
  5: require('kafkajs/src/protocol/requests/produce/v5/response') as ResponseDecoder,
  6: require('kafkajs/src/protocol/requests/produce/v6/response') as ResponseDecoder,
  // v7 is the first that may carry zstd batches.
  7: require('kafkajs/src/protocol/requests/produce/v7/response') as ResponseDecoder,
};
const { lookupCodec } = require('kafkajs/src/protocol/message/compression') as {
  lookupCodec: (type: number) => { compress(encoder: { buffer: Buffer }): Promise<Buffer> } | null;
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** A partition's answer: its base offset, or an error and whether its batch may have been written. */
type Answer = { offset: string | undefined } | { error: KjsError; written: boolean };

/**
 * Error codes with which the leader has appended the batch although it reports a failure:
 * REQUEST_TIMED_OUT (the replicas did not confirm in time) and NOT_ENOUGH_REPLICAS_AFTER_APPEND.
 */
const APPENDED_ERROR_CODES = new Set([7, 20]);

const PRODUCE_API_KEY = 0;
const MIN_PRODUCE_VERSION = 3;
const MAX_PRODUCE_VERSION = 7;
/** How long the broker may wait for replicas (acks=-1) before it answers; kafkajs' default. */
const BROKER_ACK_TIMEOUT_MS = 30_000;

/** The Produce request body (v3 to v7): no transactional id, acks, timeout, one topic, its partitions' batches. */
function encodeProduceRequest(topic: string, acks: number, batches: readonly { partition: number; batch: Buffer }[]): Buffer {
  const name = Buffer.from(topic, 'utf8');
  let size = 2 + 2 + 4 + 4 + 2 + name.length + 4;
  for (const b of batches) {
    size += 4 + 4 + b.batch.length;
  }
  const out = Buffer.allocUnsafe(size);
  let at = out.writeInt16BE(-1, 0); // transactional_id: null
  at = out.writeInt16BE(acks, at);
  at = out.writeInt32BE(BROKER_ACK_TIMEOUT_MS, at);
  at = out.writeInt32BE(1, at); // one topic
  at = out.writeInt16BE(name.length, at);
  at += name.copy(out, at);
  at = out.writeInt32BE(batches.length, at);
  for (const b of batches) {
    at = out.writeInt32BE(b.partition, at);
    at = out.writeInt32BE(b.batch.length, at);
    at += b.batch.copy(out, at);
  }
  return out;
}

export interface BulkProducerOptions {
  /** The client's Kafka instance (created from the cluster's config, security included). */
  kafka: () => Promise<Kafka>;
  topic: string;
  produce: ProduceOptions;
  /** The client's bound on one call (the whole send, retries included). */
  timeoutMs: number;
  /** The client's retry settings (those its kafkajs producer uses). */
  retry: object;
  servers: readonly string[];
  logger: Logger;
  /** The topic's max.message.bytes, for the sentence of a batch refused as too large. */
  maxMessageBytes?: () => Promise<SizeLimit | undefined>;
  onClose?: () => void;
}

/**
 * One bulk run's sender: its own kafkajs Cluster (connections opened on first send, closed by
 * close()), the topic's metadata, and one Produce request per partition leader and batch.
 */
export class KafkaBulkProducer implements BulkSender {
  private cluster: KjsCluster | undefined;
  private readonly retrier: Retrier;
  private readonly acks: number;
  private readonly codec: number;
  private readonly operation: string;
  private ready: Promise<KjsCluster> | undefined;
  private closed = false;

  constructor(private readonly options: BulkProducerOptions) {
    this.retrier = createRetry(options.retry);
    this.acks = options.produce.acks ?? -1;
    this.codec = compressionType(options.produce.compression);
    this.operation = `Producing to "${options.topic}"`;
  }

  newBatch(capacity: number): BulkBatchEncoder {
    return new RecordBatchBuilder(capacity);
  }

  sliceBatch(batch: Buffer, from: number, to: number): Buffer {
    return rebuildBatch(batch, recordSpans(batch).slice(from, to));
  }

  /**
   * Sends the batches and answers for each partition. Not bounded by an outer timeout on purpose:
   * kafkajs' connection and request timeouts end every attempt, and waiting for them means no
   * retry of this run can still reach the broker after its summary is shown.
   */
  async send(batches: BulkBatch[]): Promise<BulkOutcome[]> {
    try {
      if (this.closed) {
        throw new Error('the bulk producer was closed');
      }
      return await this.sendAll(batches);
    } catch (error) {
      const failed = this.userError(error);
      return batches.map((b) => ({ partition: b.partition, error: failed }));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.options.onClose?.();
    await this.cluster?.disconnect().catch(() => undefined);
  }

  /** The sentence the ordinary path gives for the same failure, with the cause kept. */
  private userError(error: unknown): BrokerOperationError {
    const message = describeBrokerError(error, this.operation, this.options.servers);
    this.options.logger.error(`${message} (${error instanceof Error ? (error.stack ?? error.message) : String(error)})`);
    return error instanceof BrokerOperationError ? error : new BrokerOperationError(message, error);
  }

  /** Connects and loads the topic's metadata once per run (again after a failure). */
  private connect(): Promise<KjsCluster> {
    if (!this.ready) {
      const ready = (async () => {
        this.cluster ??= createCluster(await this.options.kafka(), { allowAutoTopicCreation: false, metadataMaxAge: 300_000 });
        const cluster = this.cluster;
        await this.retrier(async () => {
          await cluster.connect();
          await cluster.addTargetTopic(this.options.topic);
        });
        return cluster;
      })();
      ready.catch(() => {
        if (this.ready === ready) {
          this.ready = undefined;
        }
      });
      this.ready = ready;
    }
    return this.ready;
  }

  /**
   * Sends each batch until the broker answers for it. Only batches certainly not written are
   * retried (the connection could not be made, or the broker refused them with a retriable error
   * such as NOT_LEADER): a batch whose request was written but not answered is reported unknown,
   * never sent again, as resending it could write it twice.
   */
  private async sendAll(batches: BulkBatch[]): Promise<BulkOutcome[]> {
    const codec = this.codec === 0 ? null : lookupCodec(this.codec);
    let pending = await Promise.all(
      batches.map(async (b) =>
        codec ? { ...b, batch: withCompressedRecords(b.batch, this.codec, await codec.compress({ buffer: b.batch.subarray(BATCH_HEADER_SIZE) })) } : b,
      ),
    );
    const outcomes = new Map<number, BulkOutcome>();
    let attempt = 0;
    try {
      await this.retrier(async () => {
        const cluster = await this.connect();
        if (attempt++ > 0) {
          // Stale metadata or a lost connection made the last attempt fail: as kafkajs' producer.
          if (!cluster.isConnected()) {
            await cluster.connect();
          }
          await cluster.refreshMetadata();
        }
        const answers = await this.sendToLeaders(cluster, pending);
        const retry: typeof pending = [];
        let retryError: KjsError | undefined;
        for (const b of pending) {
          const answer = answers.get(b.partition);
          if (!answer || 'offset' in answer) {
            outcomes.set(b.partition, { partition: b.partition, offset: answer?.offset });
          } else if (answer.written) {
            outcomes.set(b.partition, { partition: b.partition, error: this.unknownError(answer.error), unknown: true });
          } else if (answer.error.retriable !== false && !(answer.error instanceof BrokerOperationError)) {
            retry.push(b);
            retryError = answer.error;
          } else {
            const limit = () => this.options.maxMessageBytes?.() ?? Promise.resolve(undefined);
            const tooLarge = await explainTooLarge(answer.error, this.operation, this.options.topic, { bytes: b.batch.length, count: b.count, framed: true }, limit);
            outcomes.set(b.partition, { partition: b.partition, error: this.userError(tooLarge ?? answer.error) });
          }
        }
        pending = retry;
        if (retryError) {
          throw retryError;
        }
      });
    } catch (error) {
      // Whatever is still pending was never written (connection, metadata, retries exhausted).
      const failed = this.userError(error);
      for (const b of pending) {
        outcomes.set(b.partition, { partition: b.partition, error: failed });
      }
    }
    return batches.map((b) => outcomes.get(b.partition) ?? { partition: b.partition, error: this.userError(new Error('no answer')) });
  }

  /** The sentence for a request written without an answer: its messages may be on the broker. */
  private unknownError(error: KjsError): DeliveryUnknownError {
    const message = `${describeBrokerError(error, this.operation, this.options.servers)} The request had been sent, so its messages may or may not be on the broker.`;
    this.options.logger.error(`${message} (${error.stack ?? error.message})`);
    return new DeliveryUnknownError(message, error);
  }

  /**
   * One request per leader; per partition, its base offset (undefined with acks=0) or the error,
   * with whether the request may have reached the broker (`written`).
   */
  private async sendToLeaders(cluster: KjsCluster, batches: readonly BulkBatch[]): Promise<Map<number, Answer>> {
    const topic = this.options.topic;
    const answers = new Map<number, Answer>();
    const known = new Set(cluster.findTopicPartitionMetadata(topic).map((p) => p.partitionId));
    for (const b of batches) {
      if (!known.has(b.partition)) {
        // UNKNOWN_TOPIC_OR_PARTITION (retriable: metadata may be stale)
        answers.set(b.partition, { error: createErrorFromCode(3), written: false });
      }
    }
    const byLeader = cluster.findLeaderForPartitions(
      topic,
      batches.filter((b) => known.has(b.partition)).map((b) => b.partition),
    );
    await Promise.all(
      Object.entries(byLeader).map(async ([nodeId, partitions]) => {
        const mine = batches.filter((b) => partitions.includes(b.partition));
        let written = false;
        try {
          const broker = await cluster.findBroker({ nodeId: Number(nodeId) });
          // The highest version both sides know, as kafkajs' own producer picks it.
          const range = broker.versions?.[PRODUCE_API_KEY];
          const version = Math.min(MAX_PRODUCE_VERSION, range?.maxVersion ?? MIN_PRODUCE_VERSION);
          if (version < MIN_PRODUCE_VERSION || (range && range.minVersion > version)) {
            throw new BrokerOperationError(`${this.operation} failed: the broker does not support record batches (Kafka 0.11 or later is needed).`);
          }
          const decoder = PRODUCE_RESPONSES[version];
          const body = encodeProduceRequest(topic, this.acks, mine);
          const response = await sendRaw(
            broker,
            {
              apiKey: PRODUCE_API_KEY,
              apiVersion: version,
              apiName: 'Produce',
              body,
              expectResponse: this.acks !== 0,
              onWrite: () => {
                written = true;
              },
            },
            (raw) => decoder.decode(raw),
          );
          for (const b of mine) {
            answers.set(b.partition, { offset: undefined });
          }
          for (const t of response?.topics ?? []) {
            for (const p of t.partitions) {
              answers.set(
                p.partition,
                p.errorCode === 0 ? { offset: p.baseOffset } : { error: createErrorFromCode(p.errorCode), written: APPENDED_ERROR_CODES.has(p.errorCode) },
              );
            }
          }
        } catch (error) {
          const e = error as KjsError;
          if (e.name === 'KafkaJSConnectionClosedError' && e.host !== undefined && e.port !== undefined) {
            cluster.removeBroker({ host: e.host, port: e.port });
          }
          for (const b of mine) {
            answers.set(b.partition, { error: e, written });
          }
        }
      }),
    );
    return answers;
  }
}
