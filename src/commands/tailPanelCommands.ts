import { filterSpecProblem, isFilterSpec } from '../tail/filters';
import { type TimeHistogram, type TimeRange, rangeOfBins } from '../tail/histogram';
import type { StoreCounts } from '../tail/recordStore';
import { type TailJump, isOffsetText } from '../webview/protocol';
import type { TailPanel } from '../webview/tailPanel';
import type { OpenedMessage } from '../webview/tailActions';
import { type CommandContext, objectArg, stringField } from './context';

function panelOf(ctx: CommandContext, given: Record<string, unknown>, usage: string): TailPanel {
  const panel = ctx.tails.get(stringField(given, 'panelId') ?? '');
  if (!panel) {
    throw new Error(`${usage} (no open tail panel has that panelId).`);
  }
  return panel;
}

/** `{ partition, offset, topic? }` of a command argument; the offset as digits or a whole number. */
function offsetOf(given: Record<string, unknown>): { partition: number; offset: string; topic?: string } | undefined {
  const offset = typeof given.offset === 'number' ? String(given.offset) : given.offset;
  const { partition, topic } = given;
  if (typeof partition !== 'number' || !Number.isInteger(partition) || partition < 0 || !isOffsetText(offset) || (topic !== undefined && typeof topic !== 'string')) {
    return undefined;
  }
  return { partition, offset, ...(topic === undefined ? {} : { topic }) };
}

/** Used by tests and keybindings: exports a panel's shown messages to a file, no dialog. */
export async function exportTail(ctx: CommandContext, arg?: unknown): Promise<number> {
  const given = objectArg(arg);
  const panel = ctx.tails.get(stringField(given, 'panelId') ?? '');
  const file = stringField(given, 'file');
  const format = stringField(given, 'format') ?? 'jsonl';
  if (!panel || !file || (format !== 'json' && format !== 'jsonl' && format !== 'csv')) {
    throw new Error('Export needs { panelId, file, format: "json" | "jsonl" | "csv" } of an open tail panel.');
  }
  return panel.exportTo(file, format);
}

/** Used by tests: sets a panel's filter as the filter bar would. */
export function filterTail(ctx: CommandContext, arg?: unknown): Promise<void> {
  const given = objectArg(arg);
  const panel = panelOf(ctx, given, 'Filter needs { panelId, spec } of an open tail panel');
  const spec = given.spec;
  if (!isFilterSpec(spec)) {
    throw new Error(`Filter needs { panelId, spec } of an open tail panel: ${filterSpecProblem(spec) ?? ''}`);
  }
  panel.setFilter(spec);
  return Promise.resolve();
}

/** Pull mode: fetches the next `count` messages of a panel, as its "Fetch next" button does. */
export async function fetchNextTail(ctx: CommandContext, arg?: unknown): Promise<number> {
  const given = objectArg(arg);
  const panel = ctx.tails.get(stringField(given, 'panelId') ?? '');
  const count = given.count;
  if (!panel || typeof count !== 'number' || count < 1) {
    throw new Error('Fetch next needs { panelId, count } of an open pull-mode tail panel.');
  }
  return panel.fetchNext(count);
}

/**
 * Trace conversation from a tailed message (the details pane's button), without the webview:
 * `{ panelId, partition, offset, topics }`.
 */
export async function traceFromTail(ctx: CommandContext, arg?: unknown): Promise<unknown> {
  const given = objectArg(arg);
  const panel = ctx.tails.get(stringField(given, 'panelId') ?? '');
  const offset = stringField(given, 'offset');
  const seq = panel && typeof given.partition === 'number' && offset !== undefined ? panel.seqOf(given.partition, offset) : undefined;
  if (!panel || seq === undefined) {
    throw new Error('Trace from the tail needs { panelId, partition, offset } of a message shown in an open tail panel.');
  }
  const topics = Array.isArray(given.topics) ? given.topics.filter((t): t is string => typeof t === 'string') : undefined;
  return panel.traceConversation(seq, topics);
}

/**
 * The histogram's brush without a mouse: `{ panelId, from, to }` (ms, inclusive), `{ panelId,
 * bins: [first, last] }` (bars of the histogram shown now, as a drag across them selects) or
 * `{ panelId, clear: true }`. Returns the range applied and the counts after it.
 */
export function selectTimeTail(ctx: CommandContext, arg?: unknown): { range: TimeRange | undefined; counts: StoreCounts } {
  const given = objectArg(arg);
  const usage = 'Select time needs { panelId } and { from, to } (ms), { bins: [first, last] } or { clear: true }';
  const panel = panelOf(ctx, given, usage);
  let range: TimeRange | undefined;
  if (Array.isArray(given.bins) && given.bins.length === 2 && given.bins.every((b) => Number.isInteger(b))) {
    range = rangeOfBins(panel.histogram(), given.bins[0] as number, given.bins[1] as number);
    if (!range) {
      throw new Error('The histogram is empty: there is nothing to select.');
    }
  } else if (typeof given.from === 'number' && typeof given.to === 'number' && Number.isFinite(given.from) && Number.isFinite(given.to) && given.from <= given.to) {
    range = { from: given.from, to: given.to };
  } else if (given.clear !== true) {
    throw new Error(`${usage}.`);
  }
  return { range, counts: panel.setTimeRange(range) };
}

/** The time histogram a panel shows now (tests). */
export function histogramTail(ctx: CommandContext, arg?: unknown): TimeHistogram {
  return panelOf(ctx, objectArg(arg), 'Histogram needs { panelId }').histogram();
}

/** Jump to offset without typing: `{ panelId, partition, offset, topic? }`; scrolls the panel and says where. */
export function jumpToOffsetTail(ctx: CommandContext, arg?: unknown): TailJump {
  const given = objectArg(arg);
  const usage = 'Jump to offset needs { panelId, partition, offset, topic? }';
  const panel = panelOf(ctx, given, usage);
  const where = offsetOf(given);
  if (!where) {
    throw new Error(`${usage}: a partition number and an offset of digits.`);
  }
  return panel.jumpTo(where.partition, where.offset, where.topic);
}

/** The details pane's "Open in editor" for `{ panelId, partition, offset, topic? }` of a retained message. */
export async function openInEditorTail(ctx: CommandContext, arg?: unknown): Promise<OpenedMessage> {
  const given = objectArg(arg);
  const usage = 'Open in editor needs { panelId, partition, offset, topic? } of a message shown in an open tail panel';
  const panel = panelOf(ctx, given, usage);
  const where = offsetOf(given);
  const jump = where && panel.jumpTo(where.partition, where.offset, where.topic);
  if (!jump?.found || jump.seq === undefined) {
    throw new Error(jump ? jump.text : `${usage}.`);
  }
  return panel.openInEditor(jump.seq);
}
