import type { FilterSpec } from '../tail/filters';
import { type CommandContext, objectArg, stringField } from './context';

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
  const panel = ctx.tails.get(stringField(given, 'panelId') ?? '');
  if (!panel || !Array.isArray(given.spec)) {
    throw new Error('Filter needs { panelId, spec } of an open tail panel.');
  }
  panel.setFilter(given.spec as FilterSpec);
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
