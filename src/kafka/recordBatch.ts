/**
 * Kafka record batches (message format v2, "magic 2") written straight into one Buffer: the
 * batch header, then each record as zigzag varints and raw bytes, then the CRC-32C of everything
 * from the attributes on. The bulk produce path copies a line's bytes into the batch once; the
 * kafkajs producer builds an Encoder object per record and per header and checksums byte by byte.
 *
 * Layout (https://kafka.apache.org/documentation/#recordbatch):
 *   baseOffset int64, batchLength int32, partitionLeaderEpoch int32, magic int8 (2), crc uint32,
 *   attributes int16, lastOffsetDelta int32, baseTimestamp int64, maxTimestamp int64,
 *   producerId int64, producerEpoch int16, baseSequence int32, recordCount int32, records
 *   record: length varint, attributes int8, timestampDelta varlong, offsetDelta varint,
 *           keyLength varint (-1 = null), key, valueLength varint, value,
 *           headerCount varint, [headerKeyLength varint, headerKey, headerValueLength varint, headerValue]
 */
import { crc32c } from './crc32c';

/** Bytes before the first record. */
export const BATCH_HEADER_SIZE = 61;
const CRC_OFFSET = 17;
const ATTRIBUTES_OFFSET = 21;
const RECORD_COUNT_OFFSET = 57;
const TWO_32 = 2 ** 32;

/** A record header: name and value as UTF-8 bytes. */
/** A header's name and value bytes; a null value is written with length -1 (a header without a value). */
export type EncodedHeader = readonly [Uint8Array, Uint8Array | null];

/** Bytes taken by the varint of a zigzag-encoded int32 (record lengths, offsets, sizes: all small). */
function sizeOfVarInt(value: number): number {
  const z = value >= 0 ? value * 2 : -value * 2 - 1;
  return z < 0x80 ? 1 : z < 0x4000 ? 2 : z < 0x200000 ? 3 : z < 0x10000000 ? 4 : 5;
}

/** Bytes taken by the varint of a zigzag-encoded integer up to 2^52 (timestamp deltas). */
function sizeOfVarLong(value: number): number {
  let z = value >= 0 ? value * 2 : -value * 2 - 1;
  let size = 1;
  while (z >= 0x80) {
    z = Math.floor(z / 128);
    size++;
  }
  return size;
}

function writeInt64(buf: Buffer, value: number, at: number): void {
  // Non-negative (timestamps) or -1 (no producer id).
  if (value < 0) {
    buf.writeInt32BE(-1, at);
    buf.writeInt32BE(-1, at + 4);
    return;
  }
  buf.writeUInt32BE(Math.floor(value / TWO_32), at);
  buf.writeUInt32BE(value % TWO_32, at + 4);
}

/**
 * Builds one record batch. Records go in as they come; `finish` fills in the header and checksum.
 * The buffer grows when a record does not fit (a line larger than the expected batch size).
 */
export class RecordBatchBuilder {
  private buf: Buffer;
  private pos = BATCH_HEADER_SIZE;
  private count = 0;
  private baseTimestamp = -1;
  private maxTimestamp = -1;

  constructor(capacity: number) {
    this.buf = Buffer.allocUnsafe(Math.max(capacity, BATCH_HEADER_SIZE + 64));
  }

  get recordCount(): number {
    return this.count;
  }

  /** Bytes written so far (header included). */
  get size(): number {
    return this.pos;
  }

  private ensure(extra: number): void {
    if (this.pos + extra > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + extra));
      this.buf.copy(grown, 0, 0, this.pos);
      this.buf = grown;
    }
  }

  private writeVarInt(value: number): void {
    let z = value >= 0 ? value * 2 : -value * 2 - 1;
    const buf = this.buf;
    let pos = this.pos;
    while (z >= 0x80) {
      buf[pos++] = (z & 0x7f) | 0x80;
      z = Math.floor(z / 128);
    }
    buf[pos++] = z;
    this.pos = pos;
  }

  private timestampDelta(timestamp: number): number {
    if (this.count === 0) {
      this.baseTimestamp = timestamp;
      this.maxTimestamp = timestamp;
      return 0;
    }
    if (timestamp > this.maxTimestamp) {
      this.maxTimestamp = timestamp;
    }
    return timestamp - this.baseTimestamp;
  }

  /**
   * A record without key or headers whose value is src[start, end): the bulk path's common case,
   * written without helper calls. `timestamp` in milliseconds since 1970.
   */
  addValue(src: Uint8Array, start: number, end: number, timestamp: number): void {
    const length = end - start;
    const delta = this.count === 0 ? this.timestampDelta(timestamp) : timestamp === this.baseTimestamp ? 0 : this.timestampDelta(timestamp);
    const offsetDelta = this.count;
    const deltaSize = delta === 0 ? 1 : sizeOfVarLong(delta);
    const z = length * 2; // zigzag of the value length
    const lengthSize = z < 0x80 ? 1 : z < 0x4000 ? 2 : sizeOfVarInt(length);
    const o = offsetDelta * 2;
    const offsetSize = o < 0x80 ? 1 : o < 0x4000 ? 2 : sizeOfVarInt(offsetDelta);
    // attributes + timestampDelta + offsetDelta + null key + value length + value + header count.
    const bodySize = 1 + deltaSize + offsetSize + 1 + lengthSize + length + 1;
    if (this.pos + bodySize + 5 > this.buf.length) {
      this.ensure(bodySize + 5);
    }
    const buf = this.buf;
    let pos = this.pos;
    const b = bodySize * 2;
    if (b < 0x80) {
      buf[pos++] = b;
    } else if (b < 0x4000) {
      buf[pos++] = (b & 0x7f) | 0x80;
      buf[pos++] = b >>> 7;
    } else {
      this.pos = pos;
      this.writeVarInt(bodySize);
      pos = this.pos;
    }
    buf[pos++] = 0; // attributes
    if (delta === 0) {
      buf[pos++] = 0;
    } else {
      this.pos = pos;
      this.writeVarInt(delta);
      pos = this.pos;
    }
    if (o < 0x80) {
      buf[pos++] = o;
    } else if (o < 0x4000) {
      buf[pos++] = (o & 0x7f) | 0x80;
      buf[pos++] = o >>> 7;
    } else {
      this.pos = pos;
      this.writeVarInt(offsetDelta);
      pos = this.pos;
    }
    buf[pos++] = 1; // zigzag(-1): no key
    if (z < 0x80) {
      buf[pos++] = z;
    } else if (z < 0x4000) {
      buf[pos++] = (z & 0x7f) | 0x80;
      buf[pos++] = z >>> 7;
    } else {
      this.pos = pos;
      this.writeVarInt(length);
      pos = this.pos;
    }
    buf.set(src.subarray(start, end), pos);
    pos += length;
    buf[pos++] = 0; // no headers
    this.pos = pos;
    this.count++;
  }

  /** Any record: key null when absent, headers in order (a name may repeat). */
  add(key: Uint8Array | null, value: Uint8Array | null, headers: readonly EncodedHeader[] | undefined, timestamp: number): void {
    const delta = this.timestampDelta(timestamp);
    const offsetDelta = this.count;
    let bodySize =
      1 +
      sizeOfVarLong(delta) +
      sizeOfVarInt(offsetDelta) +
      (key === null ? 1 : sizeOfVarInt(key.length) + key.length) +
      (value === null ? 1 : sizeOfVarInt(value.length) + value.length) +
      sizeOfVarInt(headers?.length ?? 0);
    for (const [name, headerValue] of headers ?? []) {
      bodySize += sizeOfVarInt(name.length) + name.length + (headerValue === null ? 1 : sizeOfVarInt(headerValue.length) + headerValue.length);
    }
    this.ensure(bodySize + 5);
    this.writeVarInt(bodySize);
    this.buf[this.pos++] = 0;
    this.writeVarInt(delta);
    this.writeVarInt(offsetDelta);
    if (key === null) {
      this.writeVarInt(-1);
    } else {
      this.writeBytes(key);
    }
    if (value === null) {
      this.writeVarInt(-1); // a null value: a tombstone
    } else {
      this.writeBytes(value);
    }
    this.writeVarInt(headers?.length ?? 0);
    for (const [name, headerValue] of headers ?? []) {
      this.writeBytes(name);
      if (headerValue === null) {
        this.writeVarInt(-1);
      } else {
        this.writeBytes(headerValue);
      }
    }
    this.count++;
  }

  /** Appends a record whose key, value and headers are already encoded (a span from recordSpans). */
  addEncodedBody(src: Buffer, span: RecordSpan): void {
    const delta = this.timestampDelta(span.timestamp);
    const offsetDelta = this.count;
    const tail = span.end - span.start;
    const bodySize = 1 + sizeOfVarLong(delta) + sizeOfVarInt(offsetDelta) + tail;
    this.ensure(bodySize + 5);
    this.writeVarInt(bodySize);
    this.buf[this.pos++] = 0;
    this.writeVarInt(delta);
    this.writeVarInt(offsetDelta);
    src.copy(this.buf, this.pos, span.start, span.end);
    this.pos += tail;
    this.count++;
  }

  private writeBytes(bytes: Uint8Array): void {
    this.writeVarInt(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /**
   * The finished batch (uncompressed): header filled in, checksum computed. The builder must not
   * be used afterwards; the returned buffer is a view of its memory.
   */
  finish(): Buffer {
    const buf = this.buf;
    const end = this.pos;
    writeInt64(buf, 0, 0); // baseOffset: the broker assigns offsets
    buf.writeInt32BE(end - 12, 8); // batchLength: everything after this field
    buf.writeInt32BE(-1, 12); // partitionLeaderEpoch: set by the broker
    buf[16] = 2; // magic
    buf.writeInt16BE(0, ATTRIBUTES_OFFSET); // no compression, create time, not transactional
    buf.writeInt32BE(Math.max(0, this.count - 1), 23); // lastOffsetDelta
    writeInt64(buf, this.baseTimestamp, 27);
    writeInt64(buf, this.maxTimestamp, 35);
    writeInt64(buf, -1, 43); // producerId: none (not idempotent)
    buf.writeInt16BE(-1, 51); // producerEpoch
    buf.writeInt32BE(-1, 53); // baseSequence
    buf.writeInt32BE(this.count, RECORD_COUNT_OFFSET);
    buf.writeUInt32BE(crc32c(buf, ATTRIBUTES_OFFSET, end), CRC_OFFSET);
    return buf.subarray(0, end);
  }
}

/**
 * The same batch with its records compressed by a Kafka codec (1 gzip, 2 snappy, 3 lz4, 4 zstd):
 * the header is kept (attributes get the codec), the record bytes are replaced by `compressed`,
 * and the checksum is computed again.
 */
export function withCompressedRecords(batch: Buffer, codec: number, compressed: Buffer): Buffer {
  const out = Buffer.allocUnsafe(BATCH_HEADER_SIZE + compressed.length);
  batch.copy(out, 0, 0, BATCH_HEADER_SIZE);
  compressed.copy(out, BATCH_HEADER_SIZE);
  out.writeInt32BE(out.length - 12, 8);
  out.writeInt16BE(codec & 0x07, ATTRIBUTES_OFFSET);
  out.writeUInt32BE(crc32c(out, ATTRIBUTES_OFFSET, out.length), CRC_OFFSET);
  return out;
}

/** The records of a batch (uncompressed) as it lays them out, for sending a subset again. */
export interface RecordSpan {
  /** Absolute timestamp in milliseconds. */
  timestamp: number;
  /** Where the record's key length starts, and where the record ends (key, value and headers between). */
  start: number;
  end: number;
}

function readVarInt(buf: Buffer, at: { pos: number }): number {
  let z = 0;
  let factor = 1;
  for (;;) {
    const byte = buf[at.pos++];
    z += (byte & 0x7f) * factor;
    if (byte < 0x80) {
      break;
    }
    factor *= 128;
  }
  return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
}

/** Reads back the records of an uncompressed batch this module wrote. */
export function recordSpans(batch: Buffer): RecordSpan[] {
  const count = batch.readInt32BE(RECORD_COUNT_OFFSET);
  const base = batch.readUInt32BE(27) * TWO_32 + batch.readUInt32BE(31);
  const spans: RecordSpan[] = [];
  const at = { pos: BATCH_HEADER_SIZE };
  for (let i = 0; i < count; i++) {
    const length = readVarInt(batch, at);
    const end = at.pos + length;
    at.pos++; // attributes
    const delta = readVarInt(batch, at);
    readVarInt(batch, at); // offsetDelta
    spans.push({ timestamp: base + delta, start: at.pos, end });
    at.pos = end;
  }
  return spans;
}

/** A new batch of some records of `batch` (spans from recordSpans), in the given order. */
export function rebuildBatch(batch: Buffer, spans: readonly RecordSpan[]): Buffer {
  const builder = new RecordBatchBuilder(BATCH_HEADER_SIZE + spans.reduce((n, s) => n + s.end - s.start + 16, 0));
  for (const span of spans) {
    builder.addEncodedBody(batch, span);
  }
  return builder.finish();
}
