/**
 * Serializes the filtered view for export: JSON (one array), JSONL (one object per line) or CSV
 * (RFC 4180 quoting). Produced in chunks so a million records never become one giant string.
 */
import type { StoredMessage } from './recordStore';

export type ExportFormat = 'json' | 'jsonl' | 'csv';

/** What one exported message holds; binary keys and values stay base64 and say so. */
export interface ExportedMessage {
  topic: string;
  partition: number;
  offset: string;
  timestamp: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
  keyEncoding?: 'base64';
  valueEncoding?: 'base64';
}

export const CSV_COLUMNS = ['timestamp', 'topic', 'partition', 'offset', 'key', 'value', 'headers'] as const;

export function toExported(m: StoredMessage): ExportedMessage {
  const out: ExportedMessage = {
    topic: m.topic,
    partition: m.partition,
    offset: m.offset,
    timestamp: new Date(m.timestamp).toISOString(),
    key: m.key,
    value: m.value,
    headers: { ...m.headers },
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
      const cells = [m.timestamp, m.topic, String(m.partition), m.offset, m.key, m.value, JSON.stringify(m.headers)];
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

/** A null becomes an empty cell; anything with a comma, quote or line break is quoted. */
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
