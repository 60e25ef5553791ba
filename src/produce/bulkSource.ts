/**
 * The bulk path's reader of JSONL files: reads the file in chunks of a few MB into one reused
 * Buffer, splits lines with indexOf, and classifies each line without making a string of it when
 * it can: a line that is valid JSON, plainly not an envelope and needs no template is a "fast"
 * line whose value is its own bytes (trimmed). Every other line (envelopes, templates, malformed
 * JSON, odd whitespace, invalid UTF-8) is decoded and handed to the ordinary parser, parseJsonlLine,
 * so messages, errors, lines and columns are exactly those of the line-by-line path.
 *
 * Lines end at \n, \r\n or a lone \r, as readline splits them for the ordinary path.
 */
import * as fs from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { SCAN_MAYBE_ENVELOPE, SCAN_NON_ASCII, SCAN_TEMPLATE, SCAN_VALID, scanJson } from './jsonScan';
import { type ShapeOptions, hasHeaderPlaceholders, parseJsonlLine } from './shapes';
import type { SourceIssue, SourceMessage } from './types';

/** What `next()` found. */
export const LINE_END_OF_CHUNK = 0;
/** A plain JSON value sent as its bytes: buf[valueStart, valueEnd). */
export const LINE_FAST = 1;
/** A message or a problem from the ordinary parser: `item`. */
export const LINE_ITEM = 2;

const DEFAULT_CHUNK_BYTES = 2 * 1024 * 1024;
const LF = 10;
const CR = 13;

/** ASCII characters String.prototype.trim removes (a line holds no \n). */
function isTrimmable(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/** UTF-16 length (what string .length gives) of valid UTF-8 bytes. */
export function utf16Length(buf: Uint8Array, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = buf[i];
    if ((c & 0xc0) !== 0x80) {
      n += c >= 0xf0 ? 2 : 1;
    }
  }
  return n;
}

export class JsonlChunkScanner {
  /** The current chunk; lines are complete in [0, limit). */
  buf: Buffer;
  /** The same memory as a plain Uint8Array (its subarrays are cheaper than a Buffer's). */
  bytes: Uint8Array;
  private pos = 0;
  private limit = 0;
  /** Bytes read into buf (a partial last line may follow limit). */
  private filled = 0;
  private eof = false;
  private hasCr = false;
  private nextLine = 0;

  /** 0-based number of the line just returned. */
  line = 0;
  /** LINE_FAST: where the value's bytes are, its column and its length in UTF-16 code units. */
  valueStart = 0;
  valueEnd = 0;
  column = 0;
  textLength = 0;
  /** LINE_ITEM: what the ordinary parser made of the line. */
  item: SourceMessage | SourceIssue | undefined;

  /** Every line goes through the ordinary parser (envelopes required, or defaults with placeholders). */
  private readonly allParsed: boolean;
  private readonly envelopeNever: boolean;

  constructor(
    private readonly fd: fs.promises.FileHandle,
    private readonly options: ShapeOptions,
    chunkBytes = DEFAULT_CHUNK_BYTES,
  ) {
    this.buf = Buffer.allocUnsafe(Math.max(16, chunkBytes));
    this.bytes = new Uint8Array(this.buf.buffer, this.buf.byteOffset, this.buf.length);
    this.allParsed = options.envelope === 'always' || defaultsNeedTemplates(options);
    this.envelopeNever = options.envelope === 'never';
  }

  /** Reads the next chunk (keeping a partial last line); false once the file is exhausted. */
  async refill(): Promise<boolean> {
    if (this.eof && this.pos >= this.filled) {
      return false;
    }
    // Keep the unfinished line, move it to the front, grow when one line fills the whole buffer.
    const rest = this.filled - this.pos;
    if (rest > 0 && this.pos > 0) {
      this.buf.copy(this.buf, 0, this.pos, this.filled);
    } else if (rest === this.buf.length) {
      const grown = Buffer.allocUnsafe(this.buf.length * 2);
      this.buf.copy(grown, 0, 0, rest);
      this.buf = grown;
      this.bytes = new Uint8Array(grown.buffer, grown.byteOffset, grown.length);
    }
    this.pos = 0;
    this.filled = rest;
    while (!this.eof && this.filled < this.buf.length) {
      const { bytesRead } = await this.fd.read(this.buf, this.filled, this.buf.length - this.filled, null);
      if (bytesRead === 0) {
        this.eof = true;
      }
      this.filled += bytesRead;
      if (bytesRead > 0 && this.buf.lastIndexOf(LF, this.filled - 1) >= rest) {
        break; // at least one complete line
      }
    }
    if (this.eof) {
      this.limit = this.filled;
    } else {
      // Complete lines end at the last \n, or at a \r that is not the last byte (it may precede a \n).
      const lastLf = this.buf.lastIndexOf(LF, this.filled - 1);
      const lastCr = this.filled >= 2 ? this.buf.lastIndexOf(CR, this.filled - 2) : -1;
      this.limit = Math.max(lastLf, lastCr) + 1;
    }
    const cr = this.buf.indexOf(CR, 0);
    this.hasCr = cr >= 0 && cr < this.limit;
    return this.limit > 0 || this.filled > 0;
  }

  /** Classifies the next line of the chunk (blank and comment lines are skipped). */
  next(): number {
    const buf = this.buf;
    const limit = this.limit;
    for (;;) {
      const s = this.pos;
      if (s >= limit) {
        return LINE_END_OF_CHUNK;
      }
      let e = buf.indexOf(LF, s);
      if (e < 0 || e >= limit) {
        e = limit;
      }
      let after = e + 1;
      if (this.hasCr) {
        const cr = buf.indexOf(CR, s);
        if (cr >= 0 && cr < e) {
          // \r\n, or a lone \r ends the line there.
          after = cr + 1 === e ? e + 1 : cr + 1;
          e = cr;
        }
      }
      this.pos = Math.min(after, limit);
      const line = this.nextLine++;
      this.line = line;
      let ts = s;
      while (ts < e && isTrimmable(buf[ts])) {
        ts++;
      }
      if (ts === e) {
        continue; // blank
      }
      let te = e;
      while (te > ts && isTrimmable(buf[te - 1])) {
        te--;
      }
      const first = buf[ts];
      if (first === 0x23 || (first === 0x2f && buf[ts + 1] === 0x2f)) {
        continue; // a comment: # or //
      }
      if (first < 0x80 && buf[te - 1] < 0x80 && !this.allParsed) {
        const flags = scanJson(buf, ts, te);
        if (
          (flags & SCAN_VALID) !== 0 &&
          ((flags & SCAN_MAYBE_ENVELOPE) === 0 || this.envelopeNever) &&
          ((flags & SCAN_TEMPLATE) === 0 || this.options.templates === undefined)
        ) {
          if ((flags & SCAN_NON_ASCII) === 0) {
            this.textLength = te - ts;
            this.valueStart = ts;
            this.valueEnd = te;
            this.column = ts - s;
            return LINE_FAST;
          } else if (isUtf8(buf.subarray(ts, te))) {
            this.textLength = utf16Length(buf, ts, te);
            this.valueStart = ts;
            this.valueEnd = te;
            this.column = ts - s;
            return LINE_FAST;
          }
          // Invalid UTF-8: the ordinary path decodes it with replacement characters.
        }
      }
      // Everything else as the ordinary path reads it (undefined: a line it skips).
      this.item = parseJsonlLine({ line, text: buf.toString('utf8', s, e) }, this.options);
      if (this.item) {
        return LINE_ITEM;
      }
    }
  }
}

/** Whether default keys or headers hold placeholders, which the ordinary parser expands per message. */
export function defaultsNeedTemplates(shape: ShapeOptions): boolean {
  const d = shape.defaults;
  return !!shape.templates && !!d && (!!d.key?.includes('{{') || hasHeaderPlaceholders(d.headers));
}

/**
 * The check before sending, as the ordinary path makes it: the file's syntax and envelope problems
 * (reading stops at `limit` of them) and how many messages it holds. Undefined when cancelled.
 */
export async function checkJsonlFile(
  path: string,
  options: ShapeOptions,
  isCancelled: () => boolean,
  limit = 1000,
): Promise<{ problems: SourceIssue[]; total: number } | undefined> {
  const problems: SourceIssue[] = [];
  let total = 0;
  const file = await openJsonl(path);
  try {
    const scanner = new JsonlChunkScanner(file, options);
    while (await scanner.refill()) {
      if (isCancelled()) {
        return undefined;
      }
      for (let kind = scanner.next(); kind !== LINE_END_OF_CHUNK; kind = scanner.next()) {
        const item = kind === LINE_ITEM ? scanner.item : undefined;
        if (item && 'kind' in item) {
          problems.push(item);
          if (problems.length >= limit) {
            return { problems, total };
          }
        } else {
          total++;
        }
      }
    }
  } finally {
    await file.close();
  }
  return { problems, total };
}

/** Opens `path` for a scanner; close the handle when done. */
export function openJsonl(path: string): Promise<fs.promises.FileHandle> {
  return fs.promises.open(path, 'r');
}
