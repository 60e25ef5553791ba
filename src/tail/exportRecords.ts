/**
 * Serializes the filtered view for export: JSON (one array), JSONL (one object per line) or CSV
 * (RFC 4180 quoting). Produced in chunks so a million records never become one giant string.
 */
import { type EnvelopeHeaderValue, type TimestampType, envelopeHeaders } from '../core/message';
import type { StoredMessage } from './recordStore';

export type ExportFormat = 'json' | 'jsonl' | 'csv';

/**
 * What one exported message holds: an envelope (src/produce/envelope.ts) that produces the same
 * record again, plus where it was. Binary keys and values stay base64 and say so; a missing key is
 * null, an empty one ""; headers keep their order, null values and bytes (see envelopeHeaders).
 */
export interface ExportedMessage {
  topic: string;
  partition: number;
  offset: string;
  timestamp: string;
  timestampType: TimestampType;
  key: string | null;
  value: string | null;
  headers: Record<string, EnvelopeHeaderValue> | [string, EnvelopeHeaderValue][];
  keyEncoding?: 'base64';
  valueEncoding?: 'base64';
}

/**
 * CSV cells are text, so each payload has an encoding column: text, base64 (the cell is base64 of
 * bytes that are not UTF-8) or null (none; the cell is empty, as it is for an empty text).
 */
export const CSV_COLUMNS = ['timestamp', 'timestampType', 'topic', 'partition', 'offset', 'key', 'keyEncoding', 'value', 'valueEncoding', 'headers'] as const;

export function toExported(m: StoredMessage): ExportedMessage {
  const out: ExportedMessage = {
    topic: m.topic,
    partition: m.partition,
    offset: m.offset,
    timestamp: new Date(m.timestamp).toISOString(),
    timestampType: m.timestampType,
    key: m.key,
    value: m.value,
    headers: envelopeHeaders(m.headers) ?? {},
  };
  if (m.keyEncoding === 'base64') {
    out.keyEncoding = 'base64';
  }
  if (m.valueEncoding === 'base64') {
    out.valueEncoding = 'base64';
  }
  return out;
}

/** Yields the export in pieces of about `chunkRecords` records each. */
export function* exportChunks(records: Iterable<StoredMessage>, format: ExportFormat, chunkRecords = 1000): Generator<string> {
  let parts: string[] = [];
  let first = true;
  if (format === 'json') {
    parts.push('[');
  } else if (format === 'csv') {
    parts.push(`${CSV_COLUMNS.join(',')}\r\n`);
  }
  for (const record of records) {
    const m = toExported(record);
    if (format === 'json') {
      parts.push(`${first ? '\n' : ',\n'}  ${JSON.stringify(m)}`);
    } else if (format === 'jsonl') {
      parts.push(`${JSON.stringify(m)}\n`);
    } else {
      const cells = [
        m.timestamp,
        m.timestampType,
        m.topic,
        String(m.partition),
        m.offset,
        m.key,
        csvEncoding(m.key, m.keyEncoding),
        m.value,
        csvEncoding(m.value, m.valueEncoding),
        JSON.stringify(m.headers),
      ];
      parts.push(`${cells.map(csvCell).join(',')}\r\n`);
    }
    first = false;
    if (parts.length >= chunkRecords) {
      yield parts.join('');
      parts = [];
    }
  }
  if (format === 'json') {
    parts.push(first ? ']\n' : '\n]\n');
  }
  if (parts.length > 0) {
    yield parts.join('');
  }
}

/** The whole export as one string (small exports and tests). */
export function exportToString(records: Iterable<StoredMessage>, format: ExportFormat): string {
  return [...exportChunks(records, format)].join('');
}

function csvEncoding(text: string | null, encoding: 'base64' | undefined): string {
  return text === null ? 'null' : (encoding ?? 'text');
}

/** A null becomes an empty cell (its encoding column says null); anything with a comma, quote or line break is quoted. */
function csvCell(value: string | null): string {
  if (value === null) {
    return '';
  }
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Parses CSV as written above (used by tests to re-read an export). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        cell += ch;
      }
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else {
      cell += ch;
    }
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}
