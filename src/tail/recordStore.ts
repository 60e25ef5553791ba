/**
 * The records a tail panel keeps, in the extension host: a ring buffer of at most `capacity`
 * messages stored column by column (typed arrays for numbers, one string per key and value, no
 * per-record objects), a filtered view as a list of sequence numbers, and pages of that view on
 * request, so the webview only ever holds the rows it shows.
 */
import type { TailMessage } from '../core/brokerClient';
import { type MessageHeader, NO_HEADERS, type TimestampType, headerPreview } from '../core/message';
import { type PayloadEncoding, type PayloadFormat, payloadFormat } from './json';
import { type FilterSpec, type MessagePredicate, compileFilter } from './filters';
import { DEFAULT_HISTOGRAM_BINS, type TimeHistogram } from './histogram';
import { type OffsetLocation, type StoreColumns, indexOfOffset, locateOffset, viewHistogram } from './storeQueries';

/** One stored message, rebuilt on demand (details pane, export). */
export interface StoredMessage {
  seq: number;
  topic: string;
  partition: number;
  offset: string;
  timestamp: number;
  timestampType: TimestampType;
  /** null: no key ("" is an empty key). */
  key: string | null;
  value: string | null;
  keyEncoding: PayloadEncoding;
  valueEncoding: PayloadEncoding;
  /** In the record's order; NO_HEADERS when none. */
  headers: readonly MessageHeader[];
  size: number;
}

/** A row of the table, as the webview gets it: previews only, already cut to length. */
export interface TailRow {
  /** Position in the filtered view. */
  index: number;
  seq: number;
  topic: string;
  partition: number;
  offset: string;
  timestamp: number;
  /** The key's preview ("" for both an empty and a missing key: `keyFormat` tells them apart). */
  key: string;
  /** 'null': the record has no key; 'binary': `key` is base64 of bytes that are not UTF-8. */
  keyFormat: PayloadFormat;
  value: string;
  format: PayloadFormat;
  headers: string;
  size: number;
}

export interface StoreCounts {
  /** Messages kept now. */
  retained: number;
  /** Retained messages the filter accepts (the rows of the table). */
  matched: number;
  /** Messages received since the panel opened or was cleared. */
  received: number;
  /** Oldest messages dropped because the store was full. */
  dropped: number;
}

export type { OffsetLocation } from './storeQueries';

const PREVIEW_CHARS = 300;
const KEY_BINARY = 1;
const VALUE_BINARY = 2;
const LOG_APPEND_TIME = 4;

export class RecordStore {
  private size = 0;
  private allocated = 0;
  private firstSeq = 0;
  private nextSeq = 0;
  private received = 0;
  private dropped = 0;
  private readonly topicNames: string[] = [];
  private readonly topicIds = new Map<string, number>();
  private topicCol = new Uint16Array(0);
  private partitionCol = new Int32Array(0);
  private offsetCol = new Float64Array(0);
  private timeCol = new Float64Array(0);
  private sizeCol = new Int32Array(0);
  private flagCol = new Uint8Array(0);
  private keys: (string | null)[] = [];
  private values: (string | null)[] = [];
  private headerCol: (readonly MessageHeader[] | undefined)[] = [];
  /** Sequence numbers of matching records, oldest first, from `viewStart` on. */
  private view: number[] = [];
  private viewStart = 0;
  private spec: FilterSpec = [];
  private predicate: MessagePredicate = () => true;
  private changes = 0;
  /**
   * A filter being re-applied in steps (filterStep): matches found so far and the next sequence
   * number to test. Meanwhile `view` still holds the previous filter's matches, and new arrivals
   * are left to the scan, which runs up to whatever has arrived.
   */
  private scan: { predicate: MessagePredicate; matches: number[]; next: number } | undefined;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new Error(`The tail's message limit must be a whole number of at least 1, not ${capacity}.`);
    }
  }

  get filter(): FilterSpec {
    return this.spec;
  }

  /** Grows whenever the retained records or the filtered view may have changed. */
  get version(): number {
    return this.changes;
  }

  counts(): StoreCounts {
    return { retained: this.size, matched: this.view.length - this.viewStart, received: this.received, dropped: this.dropped };
  }

  /** Adds messages (oldest first), dropping the oldest retained when full. Returns how many matched. */
  append(messages: readonly TailMessage[]): number {
    let matched = 0;
    if (messages.length > 0) {
      this.changes++;
    }
    for (const m of messages) {
      if (this.size === this.capacity) {
        this.dropOldest();
      }
      const seq = this.nextSeq++;
      const slot = this.slotFor(seq);
      this.topicCol[slot] = this.topicId(m.topic);
      this.partitionCol[slot] = m.partition;
      this.offsetCol[slot] = Number(m.offset);
      this.timeCol[slot] = m.timestamp;
      this.sizeCol[slot] = m.size;
      this.flagCol[slot] = (m.keyBinary ? KEY_BINARY : 0) | (m.valueBinary ? VALUE_BINARY : 0) | (m.timestampType === 'LogAppendTime' ? LOG_APPEND_TIME : 0);
      this.keys[slot] = m.key;
      this.values[slot] = m.value;
      this.headerCol[slot] = m.headers.length > 0 ? m.headers : undefined;
      this.size++;
      this.received++;
      if (!this.scan && this.predicate({ topic: m.topic, key: m.key, value: m.value, headers: m.headers, timestamp: m.timestamp })) {
        this.view.push(seq);
        matched++;
      }
    }
    return matched;
  }

  /** Replaces the filter and re-applies it to everything retained. Throws on an invalid filter. */
  setFilter(spec: FilterSpec): void {
    this.beginFilter(spec);
    this.filterStep(Infinity);
  }

  /**
   * Replaces the filter; call filterStep until it returns true to re-apply it to what is retained
   * (the view keeps the previous matches until then). Throws on an invalid filter, changing nothing.
   */
  beginFilter(spec: FilterSpec): void {
    const predicate = compileFilter(spec);
    this.spec = spec;
    this.predicate = predicate;
    this.changes++;
    this.scan = { predicate, matches: [], next: this.firstSeq };
  }

  /** Tests retained records for about `budgetMs`; true once the view holds the new filter's matches. */
  filterStep(budgetMs: number): boolean {
    const scan = this.scan;
    if (!scan) {
      return true;
    }
    const deadline = performance.now() + budgetMs;
    let seq = Math.max(scan.next, this.firstSeq);
    while (seq < this.nextSeq) {
      const slot = seq % this.capacity;
      if (scan.predicate({ topic: this.topicNames[this.topicCol[slot]], key: this.keys[slot], value: this.values[slot], headers: this.headerCol[slot], timestamp: this.timeCol[slot] })) {
        scan.matches.push(seq);
      }
      seq++;
      if ((seq & 1023) === 0 && performance.now() > deadline) {
        break;
      }
    }
    scan.next = seq;
    if (seq < this.nextSeq) {
      return false;
    }
    // Matches dropped (oldest first) while the scan ran are at the front.
    let start = 0;
    while (start < scan.matches.length && scan.matches[start] < this.firstSeq) {
      start++;
    }
    this.view = scan.matches;
    this.viewStart = start;
    this.scan = undefined;
    this.changes++;
    return true;
  }

  /** How far a filter being re-applied has come (0 to 1), or undefined when none is. */
  get filterProgress(): number | undefined {
    if (!this.scan) {
      return undefined;
    }
    const total = this.nextSeq - this.firstSeq;
    return total === 0 ? 1 : Math.max(0, Math.min(1, (this.scan.next - this.firstSeq) / total));
  }

  clear(): void {
    this.changes++;
    this.scan = undefined;
    this.firstSeq = this.nextSeq;
    this.size = 0;
    this.received = 0;
    this.dropped = 0;
    this.view = [];
    this.viewStart = 0;
    this.keys.fill(null);
    this.values.fill(null);
    this.headerCol.fill(undefined);
  }

  /** Rows `start` to `start + count` of the filtered view (fewer at the end). */
  page(start: number, count: number): TailRow[] {
    const matched = this.view.length - this.viewStart;
    const from = Math.max(0, Math.min(start, matched));
    const to = Math.min(matched, from + Math.max(0, count));
    const rows: TailRow[] = [];
    for (let index = from; index < to; index++) {
      const m = this.get(this.view[this.viewStart + index]);
      if (m) {
        rows.push({
          index,
          seq: m.seq,
          topic: m.topic,
          partition: m.partition,
          offset: m.offset,
          timestamp: m.timestamp,
          key: preview(m.key),
          keyFormat: m.key === null ? 'null' : m.keyEncoding === 'base64' ? 'binary' : 'text',
          value: preview(m.value),
          format: payloadFormat(m.value, m.valueEncoding),
          headers: m.headers.map(headerPreview).join(', ').slice(0, PREVIEW_CHARS),
          size: m.size,
        });
      }
    }
    return rows;
  }

  /** One retained record by sequence number; undefined once dropped or cleared. */
  get(seq: number): StoredMessage | undefined {
    if (seq < this.firstSeq || seq >= this.nextSeq) {
      return undefined;
    }
    const slot = seq % this.capacity;
    const flags = this.flagCol[slot];
    return {
      seq,
      topic: this.topicNames[this.topicCol[slot]],
      partition: this.partitionCol[slot],
      offset: String(this.offsetCol[slot]),
      timestamp: this.timeCol[slot],
      timestampType: flags & LOG_APPEND_TIME ? 'LogAppendTime' : 'CreateTime',
      key: this.keys[slot],
      value: this.values[slot],
      keyEncoding: flags & KEY_BINARY ? 'base64' : 'text',
      valueEncoding: flags & VALUE_BINARY ? 'base64' : 'text',
      headers: this.headerCol[slot] ?? NO_HEADERS,
      size: this.sizeCol[slot],
    };
  }

  /** Index in the filtered view of the first record at or after an offset of a partition, or -1. */
  indexOfOffset(partition: number, offset: number, topic?: string): number {
    return indexOfOffset(this.columns(), partition, offset, topic);
  }

  /** Where a partition's offset is (see OffsetLocation and storeQueries.ts). */
  locateOffset(partition: number, offset: number, topic?: string): OffsetLocation {
    return locateOffset(this.columns(), partition, offset, topic);
  }

  /** Bins the timestamps of the whole filtered view (storeQueries.ts); callers throttle it. */
  timeHistogram(maxBins = DEFAULT_HISTOGRAM_BINS): TimeHistogram {
    return viewHistogram(this.columns(), maxBins);
  }

  /** The columns and the view, read-only, for the queries of storeQueries.ts. */
  private columns(): StoreColumns {
    return {
      capacity: this.capacity,
      firstSeq: this.firstSeq,
      nextSeq: this.nextSeq,
      topicIds: this.topicIds,
      topicNames: this.topicNames,
      topicCol: this.topicCol,
      partitionCol: this.partitionCol,
      offsetCol: this.offsetCol,
      timeCol: this.timeCol,
      view: this.view,
      viewStart: this.viewStart,
    };
  }

  /** Every retained record, filtered or not, oldest first. */
  *retained(): Generator<StoredMessage> {
    for (let seq = this.firstSeq; seq < this.nextSeq; seq++) {
      const m = this.get(seq);
      if (m) {
        yield m;
      }
    }
  }

  /** Every record of the filtered view, oldest first (export, tests). */
  *filtered(): Generator<StoredMessage> {
    for (let i = this.viewStart; i < this.view.length; i++) {
      const m = this.get(this.view[i]);
      if (m) {
        yield m;
      }
    }
  }

  private dropOldest(): void {
    const seq = this.firstSeq++;
    const slot = seq % this.capacity;
    this.keys[slot] = null;
    this.values[slot] = null;
    this.headerCol[slot] = undefined;
    this.size--;
    this.dropped++;
    this.changes++;
    if (this.viewStart < this.view.length && this.view[this.viewStart] === seq) {
      this.viewStart++;
      // Compact now and then, so the view array does not grow without bound.
      if (this.viewStart > 65_536 && this.viewStart * 2 > this.view.length) {
        this.view = this.view.slice(this.viewStart);
        this.viewStart = 0;
      }
    }
  }

  /** The slot of a new sequence number, growing the columns (by doubling, up to the capacity) first. */
  private slotFor(seq: number): number {
    const slot = seq % this.capacity;
    if (slot >= this.allocated) {
      this.grow(Math.min(this.capacity, Math.max(1024, this.allocated * 2)));
    }
    return slot;
  }

  private grow(length: number): void {
    const copy = <T extends Uint16Array | Int32Array | Float64Array | Uint8Array>(from: T, to: T): T => {
      to.set(from);
      return to;
    };
    this.topicCol = copy(this.topicCol, new Uint16Array(length));
    this.partitionCol = copy(this.partitionCol, new Int32Array(length));
    this.offsetCol = copy(this.offsetCol, new Float64Array(length));
    this.timeCol = copy(this.timeCol, new Float64Array(length));
    this.sizeCol = copy(this.sizeCol, new Int32Array(length));
    this.flagCol = copy(this.flagCol, new Uint8Array(length));
    this.allocated = length;
  }

  private topicId(topic: string): number {
    let id = this.topicIds.get(topic);
    if (id === undefined) {
      id = this.topicNames.length;
      this.topicNames.push(topic);
      this.topicIds.set(topic, id);
    }
    return id;
  }
}

function preview(text: string | null): string {
  if (text === null) {
    return '';
  }
  const cut = text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text;
  // Binary is marked by the row's format (a badge), not by a prefix that reads like a link.
  return cut.replace(/\s+/g, ' ');
}
