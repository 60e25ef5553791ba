/** kafkajs messages as the tail shows them: key and value decoded (text, or base64 for binary), headers as text. */
import type { IHeaders, KafkaMessage } from 'kafkajs';
import type { TailMessage } from '../../../core/brokerClient';
import { decodePayload } from '../../../core/payload';

/** One fetched message as a TailMessage. */
export function toTailMessage(topic: string, partition: number, m: KafkaMessage): TailMessage {
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
