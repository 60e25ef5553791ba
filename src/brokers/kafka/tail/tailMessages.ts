/** kafkajs messages as the tail shows them: key and value decoded (text, or base64 for binary), headers as an ordered list. */
import type { KafkaMessage } from 'kafkajs';
import type { TailMessage } from '../../../core/brokerClient';
import { type MessageHeader, NO_HEADERS } from '../../../core/message';
import { decodePayload } from '../../../core/payload';
import { type RawHeader, isLogAppendTime, orderedHeaders } from './recordHeaders';

/** One fetched message as a TailMessage. */
export function toTailMessage(topic: string, partition: number, m: KafkaMessage): TailMessage {
  const key = m.key ? decodePayload(m.key) : undefined;
  const value = m.value ? decodePayload(m.value) : undefined;
  const message: TailMessage = {
    topic,
    partition,
    offset: m.offset,
    timestamp: Number(m.timestamp),
    timestampType: isLogAppendTime(m) ? 'LogAppendTime' : 'CreateTime',
    key: key ? key.text : null,
    value: value ? value.text : null,
    headers: decodeHeaders(orderedHeaders(m)),
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

/** Header bytes as payloads (text when UTF-8, else base64), order and null values kept; the shared empty list when none. */
export function decodeHeaders(headers: readonly RawHeader[]): readonly MessageHeader[] {
  if (headers.length === 0) {
    return NO_HEADERS;
  }
  return headers.map((h) => ({ name: h.name, value: h.value === null ? null : decodePayload(h.value) }));
}
