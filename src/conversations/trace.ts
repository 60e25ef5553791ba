/**
 * Conversation traces: every message carrying one correlation id across chosen topics within a
 * time window, in time order, with the latency between steps. Pure logic, no `vscode`.
 */
import type { ConversationTransport, RawRecord } from '../core/conversationTransport';
import { correlationCandidates, headersAsText } from './conventions';

export interface TraceQuery {
  correlationId: string;
  topics: string[];
  /** Header names that may carry the id (a trace looks at all of them). */
  headerNames: string[];
  fromTime: number;
  toTime: number;
  maxRecords?: number;
  timeoutMs?: number;
}

export interface TraceStep {
  step: number;
  topic: string;
  partition: number;
  offset: string;
  timestamp: number;
  time: string;
  /** Which header carried the id. */
  header: string;
  key: string | null;
  value: string | null;
  /** In the record's order, as `[name, text]` pairs (null: a header without a value). */
  headers: [string, string | null][];
  /** Since the previous step (0 for the first). */
  latencyMs: number;
  /** Since the first step. */
  elapsedMs: number;
}

export interface ConversationTrace {
  correlationId: string;
  topics: string[];
  fromTime: string;
  toTime: string;
  /** Messages read to find the steps. */
  scanned: number;
  /** False when the search stopped before reading everything in the window. */
  complete: boolean;
  steps: TraceStep[];
  totalMs: number;
}

/** The header among `headerNames` whose value equals one of the id's byte forms, if any. */
export function matchingHeader(record: RawRecord, candidates: readonly Buffer[], headerNames: readonly string[]): string | undefined {
  return headerNames.find((name) => {
    // Every header of that name counts (a name may repeat); one without a value matches nothing.
    return record.headers.some((h) => h.name === name && h.value !== null && candidates.some((candidate) => h.value !== null && candidate.equals(h.value)));
  });
}

/** Orders matching records by time (then topic, partition, offset for ties) and computes latencies. */
export function buildTimeline(records: readonly RawRecord[], correlationId: string, headerNames: readonly string[]): TraceStep[] {
  const candidates = correlationCandidates(correlationId);
  const matched = records
    .map((record) => ({ record, header: matchingHeader(record, candidates, headerNames) }))
    .filter((m): m is { record: RawRecord; header: string } => m.header !== undefined)
    .sort(
      (a, b) =>
        a.record.timestamp - b.record.timestamp ||
        a.record.topic.localeCompare(b.record.topic) ||
        a.record.partition - b.record.partition ||
        Number(BigInt(a.record.offset) - BigInt(b.record.offset)),
    );
  const first = matched[0]?.record.timestamp ?? 0;
  return matched.map(({ record, header }, index) => ({
    step: index + 1,
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    timestamp: record.timestamp,
    time: new Date(record.timestamp).toISOString(),
    header,
    key: record.key?.toString('utf8') ?? null,
    value: record.value?.toString('utf8') ?? null,
    headers: headersAsText(record.headers),
    latencyMs: index === 0 ? 0 : record.timestamp - matched[index - 1].record.timestamp,
    elapsedMs: record.timestamp - first,
  }));
}

/** Reads the window on every topic and builds the conversation's timeline. */
export async function traceConversation(transport: ConversationTransport, query: TraceQuery): Promise<ConversationTrace> {
  if (query.topics.length === 0) {
    throw new Error('Choose at least one topic to search.');
  }
  if (!(query.fromTime <= query.toTime)) {
    throw new Error('The time window is empty: its start is after its end.');
  }
  const read = await transport.readWindow(query.topics, query.fromTime, query.toTime, {
    maxRecords: query.maxRecords ?? 200_000,
    timeoutMs: query.timeoutMs ?? 60_000,
  });
  const steps = buildTimeline(read.records, query.correlationId, query.headerNames);
  return {
    correlationId: query.correlationId,
    topics: query.topics,
    fromTime: new Date(query.fromTime).toISOString(),
    toTime: new Date(query.toTime).toISOString(),
    scanned: read.records.length,
    complete: read.complete,
    steps,
    totalMs: steps.length > 0 ? steps[steps.length - 1].elapsedMs : 0,
  };
}

/** A fence longer than any backtick run in the text, so a payload cannot end its code block. */
function fence(text: string): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  return '`'.repeat(longest + 1);
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
}

/** The trace as a Markdown document: a table of steps, then each payload in a code block. */
export function renderTraceMarkdown(trace: ConversationTrace): string {
  const lines = [
    `# Conversation ${cell(trace.correlationId)}`,
    '',
    `Topics: ${trace.topics.map(cell).join(', ')}  `,
    `Window: ${trace.fromTime} – ${trace.toTime}  `,
    `${trace.steps.length} step(s), ${trace.totalMs} ms in total; ${trace.scanned} message(s) read${trace.complete ? '' : ' (stopped early: the window was not read to its end)'}.`,
    '',
  ];
  if (trace.steps.length === 0) {
    lines.push('No message in the window carries this correlation id.');
    return `${lines.join('\n')}\n`;
  }
  lines.push('| # | Time | Topic | Partition/offset | Key | Latency | Elapsed |', '|---|---|---|---|---|---|---|');
  for (const s of trace.steps) {
    lines.push(`| ${s.step} | ${s.time} | ${cell(s.topic)} | ${s.partition}/${s.offset} | ${cell(s.key ?? '—')} | +${s.latencyMs} ms | ${s.elapsedMs} ms |`);
  }
  for (const s of trace.steps) {
    const body = s.value ?? '(null)';
    const marks = fence(body);
    lines.push('', `## ${s.step}. ${cell(s.topic)} ${s.partition}/${s.offset}`, '', `Headers: ${cell(JSON.stringify(s.headers))}`, '', marks, body, marks);
  }
  return `${lines.join('\n')}\n`;
}

