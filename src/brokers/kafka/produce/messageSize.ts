/**
 * "Too large" refusals with the numbers: what was sent against the topic's max.message.bytes and
 * where that limit comes from, for both produce paths (kafkajs per message, bulk record batches).
 */
import { type Admin, ConfigResourceTypes, ConfigSource } from 'kafkajs';
import { BrokerOperationError } from '../../../core/errors';
import { errorChain } from '../client/errors';

/** The limit the broker applied, and who set it. */
export interface SizeLimit {
  bytes: number;
  origin: 'topic' | 'broker' | 'default';
}

/** What was refused: one message, or a batch of `count` messages of `bytes` in all. */
export interface SentSize {
  bytes: number;
  count: number;
  /** The largest message of a batch, when known. */
  largest?: number;
  /** `bytes` is the record batch as sent (framing and compression included), not the content. */
  framed?: boolean;
}

/** Whether the broker refused a record batch for its size. */
export function isTooLarge(error: unknown): boolean {
  return errorChain(error).some((e) => e.type === 'MESSAGE_TOO_LARGE' || e.type === 'RECORD_LIST_TOO_LARGE');
}

/** The topic's max.message.bytes (its own, or the broker's message.max.bytes); undefined when it cannot be read. */
export async function readMaxMessageBytes(admin: Admin, topic: string): Promise<SizeLimit | undefined> {
  try {
    const response = await admin.describeConfigs({
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['max.message.bytes'] }],
      includeSynonyms: false,
    });
    const entry = response.resources[0]?.configEntries.find((e) => e.configName === 'max.message.bytes');
    const bytes = Number(entry?.configValue);
    if (!entry || !Number.isFinite(bytes)) {
      return undefined;
    }
    const origin =
      entry.configSource === ConfigSource.TOPIC_CONFIG ? 'topic' : entry.configSource === ConfigSource.DEFAULT_CONFIG || entry.isDefault ? 'default' : 'broker';
    return { bytes, origin };
  } catch {
    // No DescribeConfigs permission: the sentence says the limit could not be read.
    return undefined;
  }
}

/**
 * Bytes of one message as the user sees them: key, value, and header names and values. Counts
 * every string and Buffer it finds, so any header shape (a record, or an ordered list) is counted.
 */
export function messageBytes(message: { key?: unknown; value?: unknown; headers?: unknown }): number {
  return byteCount(message.key, 0) + byteCount(message.value, 0) + byteCount(message.headers, 0);
}

function byteCount(value: unknown, depth: number): number {
  if (typeof value === 'string') {
    return Buffer.byteLength(value);
  }
  if (Buffer.isBuffer(value)) {
    return value.length;
  }
  if (value === null || typeof value !== 'object' || depth > 3) {
    return 0;
  }
  // A record of headers counts its names; an object inside a list ({ name, value }) counts its values.
  const record = value as Record<string, unknown>;
  const parts: unknown[] = Array.isArray(value) ? value : depth === 0 ? Object.entries(record).flat() : Object.values(record);
  return parts.reduce<number>((sum, part) => sum + byteCount(part, depth + 1), 0);
}

/** What a produce call of these messages sends, for the sentence. */
export function sizeOf(messages: readonly { key?: unknown; value?: unknown; headers?: unknown }[]): SentSize {
  const sizes = messages.map(messageBytes);
  return { bytes: sizes.reduce((a, b) => a + b, 0), count: messages.length, largest: Math.max(...sizes) };
}

const n = (value: number): string => value.toLocaleString('en-US');

/** The sentence for a size refusal of `operation` on `topic`. */
export function tooLargeSentence(operation: string, topic: string, sent: SentSize, limit: SizeLimit | undefined): string {
  const as = sent.framed ? ' as a record batch' : '';
  const what =
    sent.count === 1
      ? `the message is ${n(sent.bytes)} bytes${as}`
      : `the ${n(sent.count)} messages sent together are ${n(sent.bytes)} bytes${as}${sent.largest === undefined ? '' : ` (the largest ${n(sent.largest)})`}`;
  const origin =
    limit?.origin === 'topic' ? 'set on the topic' : limit?.origin === 'broker' ? "the broker's message.max.bytes" : "the broker's default";
  const against = limit
    ? `larger than max.message.bytes of topic "${topic}": ${n(limit.bytes)} bytes (${origin})`
    : `larger than max.message.bytes of topic "${topic}" (its value could not be read)`;
  const advice =
    sent.count === 1
      ? 'Make the message smaller or compress it, or raise max.message.bytes on the topic (Edit Config).'
      : 'Send fewer messages at a time, compress them, or raise max.message.bytes on the topic (Edit Config).';
  const framing = sent.framed ? '' : ' (Kafka adds about 70 bytes of framing to a batch)';
  return `${operation} failed: ${what}, ${against}${framing}. ${advice}`;
}

/** A size refusal of `error` turned into the sentence with the numbers; undefined for any other error. */
export async function explainTooLarge(
  error: unknown,
  operation: string,
  topic: string,
  sent: SentSize,
  limit: () => Promise<SizeLimit | undefined>,
): Promise<BrokerOperationError | undefined> {
  if (!isTooLarge(error)) {
    return undefined;
  }
  return new BrokerOperationError(tooLargeSentence(operation, topic, sent, await limit()), error);
}
