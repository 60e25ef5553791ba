/**
 * A fetched record's headers as the ordered list the record carries, null values included.
 *
 * Why this exists: kafkajs 2.2.4 decodes a record's headers into an object (record/v0/decoder.js),
 * `{ name: value }` or `{ name: [values] }` when a name repeats, so the order across names is lost
 * (a, b, a arrives as { a: [a1, a2], b }) and JavaScript puts integer-like names first. kafkajs'
 * Decoder returns key, value and header values as slices of the record's buffer (views, not copies),
 * so the bytes right after the value (or the key, for a tombstone) are the record's header array.
 * That array is read again here, in order, and used only when it agrees with what kafkajs decoded
 * (same count, same values per name in the same order); otherwise kafkajs' grouping is kept.
 */
import type { IHeaders, KafkaMessage } from 'kafkajs';

import type { RawHeader } from '../../../core/conversationTransport';

export type { RawHeader } from '../../../core/conversationTransport';

/** kafkajs' header object as a list: names in its key order, a repeated name's values in order. */
function groupedHeaders(headers: IHeaders | undefined): RawHeader[] {
  const list: RawHeader[] = [];
  for (const [name, raw] of Object.entries(headers ?? {})) {
    // kafkajs puts null in the object for a header without a value (its types don't say so).
    const values = (Array.isArray(raw) ? raw : [raw]) as (Buffer | string | null | undefined)[];
    for (const v of values) {
      if (v !== undefined) {
        list.push({ name, value: v === null ? null : Buffer.isBuffer(v) ? v : Buffer.from(v) });
      }
    }
  }
  return list;
}

/** Reads a zigzag varint at `at`; undefined past the end. */
function readVarInt(bytes: Uint8Array, at: number): { value: number; next: number } | undefined {
  let raw = 0;
  let shift = 0;
  for (let i = at; i < bytes.length && shift <= 28; i++) {
    raw |= (bytes[i] & 0x7f) << shift;
    if ((bytes[i] & 0x80) === 0) {
      return { value: (raw >>> 1) ^ -(raw & 1), next: i + 1 };
    }
    shift += 7;
  }
  return undefined;
}

/** The header array starting at `at` of `bytes`, or undefined when it does not parse. */
function parseHeaderArray(bytes: Buffer, at: number): RawHeader[] | undefined {
  const count = readVarInt(bytes, at);
  if (!count || count.value < 0 || count.value > 100_000) {
    return undefined;
  }
  let pos = count.next;
  const list: RawHeader[] = [];
  for (let i = 0; i < count.value; i++) {
    const nameLength = readVarInt(bytes, pos);
    if (!nameLength || nameLength.value < 0 || nameLength.next + nameLength.value > bytes.length) {
      return undefined;
    }
    const name = bytes.toString('utf8', nameLength.next, nameLength.next + nameLength.value);
    const valueLength = readVarInt(bytes, nameLength.next + nameLength.value);
    if (!valueLength || valueLength.value < -1 || valueLength.next + Math.max(0, valueLength.value) > bytes.length) {
      return undefined;
    }
    const value = valueLength.value < 0 ? null : bytes.subarray(valueLength.next, valueLength.next + valueLength.value);
    pos = valueLength.next + Math.max(0, valueLength.value);
    list.push({ name, value });
  }
  return list;
}

/** Whether two lists hold the same headers per name, in the same order per name. */
function sameByName(a: readonly RawHeader[], b: readonly RawHeader[]): boolean {
  if (a.length !== b.length) {
    return false;
  }
  const byName = new Map<string, (Buffer | null)[]>();
  for (const h of b) {
    const values = byName.get(h.name) ?? [];
    values.push(h.value);
    byName.set(h.name, values);
  }
  for (const h of a) {
    const expected = byName.get(h.name)?.shift();
    if (expected === undefined) {
      return false;
    }
    if (expected === null || h.value === null ? expected !== h.value : !expected.equals(h.value)) {
      return false;
    }
  }
  return true;
}

/** Where the record's header array starts in the buffer that holds its value (or key), if known. */
function headerArrayStart(m: KafkaMessage): { bytes: Buffer; at: number } | undefined {
  const anchor = m.value ?? m.key;
  if (!anchor || !Buffer.isBuffer(anchor)) {
    return undefined;
  }
  const whole = Buffer.from(anchor.buffer, 0, anchor.buffer.byteLength);
  // After the value: the headers. After the key of a tombstone: the null value's length (-1, one byte), then the headers.
  const at = anchor.byteOffset + anchor.length + (m.value ? 0 : 1);
  if (!m.value && whole[at - 1] !== 1) {
    return undefined;
  }
  return { bytes: whole, at };
}

/** The record's headers in the record's order, null values kept. */
export function orderedHeaders(m: KafkaMessage): RawHeader[] {
  const grouped = groupedHeaders(m.headers);
  if (grouped.length < 2) {
    return grouped;
  }
  const start = headerArrayStart(m);
  const exact = start && parseHeaderArray(start.bytes, start.at);
  return exact && sameByName(exact, grouped) ? exact : grouped;
}

/** The record's timestamp type, from the batch kafkajs decoded it from (batchContext.timestampType: 1 = LogAppendTime). */
export function isLogAppendTime(m: KafkaMessage): boolean {
  const context = (m as { batchContext?: { timestampType?: number } }).batchContext;
  return context?.timestampType === 1;
}
