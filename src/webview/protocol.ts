/**
 * The one message protocol between the extension host and the tail webview. Both sides switch
 * over `type` with an exhaustiveness check, so adding a message breaks the build until handled.
 * The host keeps the records; the webview asks for the rows it shows, by index of the filtered view.
 */
import type { TailIdentity, TailMode, TailState } from '../core/brokerClient';
import type { TimestampType } from '../core/message';
import { type FilterSpec, isFilterSpec } from '../tail/filters';
import type { ExportFormat } from '../tail/exportRecords';
import type { TimeHistogram, TimeRange } from '../tail/histogram';
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
  /** The time range brushed on the histogram (a `time` clause added to the filter), if any. */
  timeRange?: TimeRange;
  /** While a new filter is being applied to what is retained: how far (0 to 1); counts are the old filter's. */
  filtering?: number;
}

/**
 * The answer to "Jump to offset", in words for the panel; `index`/`seq` when there is a row to
 * scroll to and select (the offset itself, or the next one after a gap).
 */
export interface TailJump {
  text: string;
  found: boolean;
  index?: number;
  seq?: number;
}

export interface TailDetails {
  seq: number;
  title: string;
  timestampType: TimestampType;
  /** What the pane shows (null and empty keys in words, binary as base64 and hex). */
  key: string;
  value: string;
  headers: string;
  /** What Copy key / Copy value put on the clipboard (base64 for binary); absent when there is no key (null) or no value. */
  keyCopy?: string;
  valueCopy?: string;
  /** The message as a JSONL envelope line that produces the same record again. */
  envelope: string;
}

export type HostToWebview =
  | { type: 'init'; info: TailPanelInfo; state: TailState; detail?: string }
  | { type: 'state'; state: TailState; detail?: string }
  | { type: 'status'; status: TailStatus }
  | { type: 'rows'; requestId: number; total: number; rows: TailRow[] }
  | { type: 'details'; details: TailDetails | undefined }
  | { type: 'histogram'; histogram: TimeHistogram }
  | { type: 'jumped'; jump: TailJump; total: number }
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
  | { type: 'trace'; seq: number }
  /** Brush on the histogram: null clears the selection. */
  | { type: 'timeRange'; range: TimeRange | null }
  | { type: 'jump'; partition: number; offset: string; topic?: string }
  | { type: 'openInEditor'; seq: number };

/** Compile-time guard for exhaustive switches on either side. */
export function assertNever(value: never): never {
  throw new Error(`Unhandled message: ${JSON.stringify(value)}`);
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** An offset as the jump box sends it: decimal digits that fit a double exactly. */
export function isOffsetText(v: unknown): v is string {
  return typeof v === 'string' && /^\d{1,16}$/.test(v) && Number.isSafeInteger(Number(v));
}

function isTimeRange(v: unknown): v is TimeRange {
  if (typeof v !== 'object' || v === null) {
    return false;
  }
  const r = v as Record<string, unknown>;
  return isTime(r.from) && isTime(r.to) && r.from <= r.to;
}

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
      return isFilterSpec(m.spec);
    case 'details':
    case 'trace':
    case 'openInEditor':
      return isInt(m.seq);
    case 'timeRange':
      return m.range === null || isTimeRange(m.range);
    case 'jump':
      return isInt(m.partition) && isOffsetText(m.offset) && (m.topic === undefined || typeof m.topic === 'string');
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
