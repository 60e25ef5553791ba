/**
 * The one message protocol between the extension host and the tail webview. Both sides switch
 * over `type` with an exhaustiveness check, so adding a message breaks the build until handled.
 * The host keeps the records; the webview asks for the rows it shows, by index of the filtered view.
 */
import type { TailIdentity, TailMode, TailState } from '../core/brokerClient';
import type { FilterSpec } from '../tail/filters';
import type { ExportFormat } from '../tail/exportRecords';
import type { StoreCounts, TailRow } from '../tail/recordStore';

export interface TailPanelInfo {
  clusterName: string;
  topics: string[];
  fromBeginning: boolean;
  /** How many messages the panel keeps; older ones drop first. */
  maxMessages: number;
  /** Where the tail started, in words ("latest", "earliest", "2024-05-01T…", "offsets"). */
  start: string;
  mode: TailMode;
  identity: TailIdentity;
  /** Pull mode: seconds between automatic pages (0 = only on "Fetch next"), and the page size. */
  pullEverySeconds: number;
  pullCount: number;
}

/** What the status line shows: counts, lag, the active filter. */
export interface TailStatus {
  counts: StoreCounts;
  /** Messages not yet consumed (over the partitions whose position is known); undefined = unknown. */
  lag?: number;
  filter: string;
  filterError?: string;
}

export interface TailDetails {
  seq: number;
  title: string;
  key: string;
  value: string;
  headers: string;
}

export type HostToWebview =
  | { type: 'init'; info: TailPanelInfo; state: TailState; detail?: string }
  | { type: 'state'; state: TailState; detail?: string }
  | { type: 'status'; status: TailStatus }
  | { type: 'rows'; requestId: number; total: number; rows: TailRow[] }
  | { type: 'details'; details: TailDetails | undefined }
  | { type: 'cleared' };

export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'clear' }
  | { type: 'rows'; requestId: number; start: number; count: number }
  | { type: 'filter'; spec: FilterSpec }
  | { type: 'details'; seq: number }
  | { type: 'fetchNext'; count: number }
  | { type: 'pullEvery'; seconds: number }
  | { type: 'export'; format: ExportFormat }
  | { type: 'trace'; seq: number };

/** Compile-time guard for exhaustive switches on either side. */
export function assertNever(value: never): never {
  throw new Error(`Unhandled message: ${JSON.stringify(value)}`);
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** Runtime check for what arrives from the webview (it is untrusted input). */
export function isWebviewToHost(value: unknown): value is WebviewToHost {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const m = value as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
    case 'pause':
    case 'resume':
    case 'clear':
      return true;
    case 'rows':
      return isInt(m.requestId) && isInt(m.start) && isInt(m.count);
    case 'filter':
      return Array.isArray(m.spec) && m.spec.every((c) => typeof c === 'object' && c !== null && typeof (c as { kind?: unknown }).kind === 'string');
    case 'details':
    case 'trace':
      return isInt(m.seq);
    case 'fetchNext':
      return isInt(m.count) && m.count > 0;
    case 'pullEvery':
      return isInt(m.seconds);
    case 'export':
      return m.format === 'json' || m.format === 'jsonl' || m.format === 'csv';
    default:
      return false;
  }
}
