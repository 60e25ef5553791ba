/** The bytes an OutgoingMessage stands for: text as UTF-8, base64-encoded keys and values as their bytes, headers in order. */
import type { OutgoingMessage } from './brokerClient';
import { type HeaderInput, type Payload, headerList } from './message';

/** A payload's bytes. */
export function payloadBytes(payload: Payload): Buffer {
  return Buffer.from(payload.text, payload.encoding === 'base64' ? 'base64' : 'utf8');
}

/** The key's bytes, or null when the message has none ("" is an empty key, zero bytes). */
export function keyBytes(m: Pick<OutgoingMessage, 'key' | 'keyEncoding'>): Buffer | null {
  return m.key === undefined ? null : Buffer.from(m.key, m.keyEncoding === 'base64' ? 'base64' : 'utf8');
}

/** The value's bytes, or null for a tombstone. */
export function valueBytes(m: Pick<OutgoingMessage, 'value' | 'valueEncoding'>): Buffer | null {
  return m.value === null ? null : Buffer.from(m.value, m.valueEncoding === 'base64' ? 'base64' : 'utf8');
}

/** Headers as name and value bytes, in order (a null value stays null). */
export function headerBytes(headers: HeaderInput | undefined): [Buffer, Buffer | null][] {
  return headerList(headers).map((h) => [Buffer.from(h.name, 'utf8'), h.value === null ? null : payloadBytes(h.value)]);
}

/** What the default partitioner hashes: the key's bytes (a base64 key decoded). */
export function partitionKey(m: Pick<OutgoingMessage, 'key' | 'keyEncoding'>): string | Buffer | undefined {
  return m.key === undefined ? undefined : m.keyEncoding === 'base64' ? Buffer.from(m.key, 'base64') : m.key;
}
