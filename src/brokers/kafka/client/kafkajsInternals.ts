/**
 * The kafkajs 2.2.4 internals this extension uses, typed, in one place. kafkajs has no public API
 * to send a request it did not build (record batches encoded by us, IncrementalAlterConfigs, an
 * administrator's OffsetCommit), so bulkProducer.ts, incrementalConfigs.ts and groupOffsets.ts reach
 * into it. That is safe only because package.json pins
 * kafkajs to exactly 2.2.4; every internal used is listed here and nowhere else:
 *   - Kafka's private cluster factory (the Symbol "private:Kafka:createCluster"): a Cluster built
 *     with the very config (brokers, ssl, sasl, timeouts, retry, logger) of the client's Kafka;
 *   - Cluster: connect, addTargetTopic, refreshMetadata, findTopicPartitionMetadata,
 *     findLeaderForPartitions, findBroker, findControllerBroker, findGroupCoordinator, isConnected,
 *     disconnect;
 *   - Broker.connectionPool.send({ request, response }), which accepts any request object whose
 *     encode() resolves to something with `buf` (a Buffer) and `buffer` (the bytes to send), and
 *     hands the response body (after the correlation id) to response.decode;
 *   - kafkajs/src/protocol/error (createErrorFromCode), kafkajs/src/retry (kafkajs' retry loop).
 */
import type { Kafka } from 'kafkajs';

export interface KjsPartitionMetadata {
  partitionId: number;
  leader: number;
}

export interface KjsRequest {
  apiKey: number;
  apiVersion: number;
  apiName: string;
  expectResponse: () => boolean;
  encode: () => Promise<{ buf: Buffer; buffer: Buffer }>;
}

export interface KjsBroker {
  nodeId: number;
  versions: Record<number, { minVersion: number; maxVersion: number }> | null;
  connectionPool: {
    send(protocol: { request: KjsRequest; response: { decode(raw: Buffer): Promise<unknown>; parse(data: unknown): Promise<unknown> } }): Promise<unknown>;
  };
  disconnect(): Promise<void>;
}

export interface KjsCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  isConnected(): boolean;
  addTargetTopic(topic: string): Promise<void>;
  refreshMetadata(): Promise<void>;
  findTopicPartitionMetadata(topic: string): KjsPartitionMetadata[];
  findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]>;
  findBroker(query: { nodeId: number }): Promise<KjsBroker>;
  findControllerBroker(): Promise<KjsBroker>;
  findGroupCoordinator(query: { groupId: string }): Promise<KjsBroker>;
  removeBroker(address: { host: string; port: number }): void;
}

export type KjsError = Error & { type?: string; retriable?: boolean; host?: string; port?: number };
export type Retrier = <T>(fn: (bail: (error: Error) => void, retryCount: number, retryTime: number) => Promise<T>) => Promise<T>;

/* eslint-disable @typescript-eslint/no-require-imports */
export const { createErrorFromCode } = require('kafkajs/src/protocol/error') as { createErrorFromCode: (code: number) => KjsError };
export const createRetry = require('kafkajs/src/retry') as (options: object) => Retrier;
/* eslint-enable @typescript-eslint/no-require-imports */

/** A Cluster made by the Kafka instance's private factory: its config, not a copy of it. */
export function createCluster(kafka: Kafka, options: { allowAutoTopicCreation: boolean; metadataMaxAge: number }): KjsCluster {
  const factory = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  const create = factory && (kafka as unknown as Record<symbol, unknown>)[factory];
  if (typeof create !== 'function') {
    throw new Error('This kafkajs version has no cluster factory; the extension needs kafkajs 2.2.4.');
  }
  return (create as (options: object) => KjsCluster)(options);
}

interface RawRequest {
  apiKey: number;
  apiVersion: number;
  apiName: string;
  body: Buffer;
  expectResponse?: boolean;
  /**
   * Called when kafkajs takes the body to write it (connected and authenticated): an error before
   * this call means the request was certainly not sent; after it, the broker may have received it.
   */
  onWrite?: () => void;
}

/**
 * Sends one request whose body is already encoded, and decodes its response body with `decode`
 * (undefined when `expectResponse` is false, e.g. Produce with acks=0). A closed connection
 * disconnects the broker before the error is rethrown, as kafkajs' own Broker does.
 */
export function sendRaw<T>(broker: KjsBroker, request: RawRequest & { expectResponse?: true }, decode: (raw: Buffer) => T | Promise<T>): Promise<T>;
export function sendRaw<T>(broker: KjsBroker, request: RawRequest, decode: (raw: Buffer) => T | Promise<T>): Promise<T | undefined>;
export async function sendRaw<T>(broker: KjsBroker, request: RawRequest, decode: (raw: Buffer) => T | Promise<T>): Promise<T | undefined> {
  const kjsRequest: KjsRequest = {
    apiKey: request.apiKey,
    apiVersion: request.apiVersion,
    apiName: request.apiName,
    expectResponse: () => request.expectResponse !== false,
    encode: () => {
      request.onWrite?.();
      return Promise.resolve({ buf: request.body, buffer: request.body });
    },
  };
  try {
    return (await broker.connectionPool.send({
      request: kjsRequest,
      response: { decode: async (raw) => decode(raw), parse: (data) => Promise.resolve(data) },
    })) as T | undefined;
  } catch (error) {
    if ((error as Error).name === 'KafkaJSConnectionClosedError') {
      await broker.disconnect();
    }
    throw error;
  }
}
