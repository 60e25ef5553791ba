import * as vscode from 'vscode';
import type { TailOptions } from '../core/brokerClient';

type Asked = Partial<Pick<TailOptions, 'fromBeginning' | 'start' | 'timestamp' | 'offsets' | 'partitions' | 'mode' | 'group'>>;

/** A time as milliseconds since epoch: a number, or a date/time `Date.parse` understands. */
export function parseTime(text: string): number {
  const value = /^\d+$/.test(text.trim()) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(value)) {
    throw new Error(`"${text}" is not a time: give milliseconds since 1970 or a date like 2024-05-01T12:00:00Z.`);
  }
  return value;
}

/** `[{ partition, offset, topic? }]` or the text `0:15, 1:20`. */
export function parseOffsets(value: unknown): { topic?: string; partition: number; offset: string }[] {
  if (typeof value === 'string') {
    return value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((pair) => {
        const match = /^(\d+)\s*:\s*(\d+)$/.exec(pair);
        if (!match) {
          throw new Error(`"${pair}" is not partition:offset (for example 0:15).`);
        }
        return { partition: Number(match[1]), offset: match[2] };
      });
  }
  if (!Array.isArray(value)) {
    throw new Error('"offsets" must be a list of { partition, offset } or text like "0:15, 1:20".');
  }
  return value.map((o: unknown) => {
    const entry = o as { topic?: unknown; partition?: unknown; offset?: unknown };
    if (typeof entry.partition !== 'number' || (typeof entry.offset !== 'string' && typeof entry.offset !== 'number')) {
      throw new Error('Each offset needs a numeric "partition" and an "offset".');
    }
    return { ...(typeof entry.topic === 'string' ? { topic: entry.topic } : {}), partition: entry.partition, offset: String(entry.offset) };
  });
}

/** `[0, 2]` or the text `0, 2`. */
export function parsePartitions(value: unknown): number[] {
  const list = typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean).map(Number) : value;
  if (!Array.isArray(list) || list.some((p) => typeof p !== 'number' || !Number.isInteger(p) || p < 0)) {
    throw new Error('"partitions" must be partition numbers, e.g. [0, 2] or "0, 2".');
  }
  return list as number[];
}

/** The start question, with "More options…" for pull mode, a shared group and partitions. */
export async function askTailOptions(more = true): Promise<Asked | undefined> {
  type Item = vscode.QuickPickItem & { id: string };
  const items: Item[] = [
    { label: 'New messages only', description: 'start at the end of each partition', id: 'latest' },
    { label: 'From the beginning', description: 'replay what the topic still holds', id: 'earliest' },
    { label: 'From a time…', description: 'the first message at or after a date and time', id: 'timestamp' },
    { label: 'At exact offsets…', description: 'partition:offset pairs', id: 'offsets' },
  ];
  if (more) {
    items.push({ label: 'More options…', description: 'pull mode, a shared consumer group, some partitions', id: 'more' });
  }
  const picked = await vscode.window.showQuickPick(items, { placeHolder: 'Where should the tail start?', ignoreFocusOut: true });
  if (!picked) {
    return undefined;
  }
  if (picked.id === 'more') {
    return askMore();
  }
  const asked: Asked = { fromBeginning: picked.id === 'earliest' };
  if (picked.id === 'timestamp') {
    const text = await vscode.window.showInputBox({ prompt: 'Start at (ISO date/time or epoch milliseconds)', value: new Date(Date.now() - 3_600_000).toISOString(), ignoreFocusOut: true });
    if (text === undefined) {
      return undefined;
    }
    asked.start = 'timestamp';
    asked.timestamp = parseTime(text);
  } else if (picked.id === 'offsets') {
    const text = await vscode.window.showInputBox({ prompt: 'partition:offset pairs (others start at the end)', placeHolder: '0:15, 1:20', ignoreFocusOut: true });
    if (text === undefined) {
      return undefined;
    }
    asked.start = 'offsets';
    asked.offsets = parseOffsets(text);
  }
  return asked;
}

async function askMore(): Promise<Asked | undefined> {
  const start = await askTailOptions(false);
  if (!start) {
    return undefined;
  }
  const mode = await vscode.window.showQuickPick(
    [
      { label: 'Push', description: 'messages stream in as they arrive', id: 'push' as const },
      { label: 'Pull', description: 'fetch a page on demand or every N seconds: you control the load', id: 'pull' as const },
    ],
    { placeHolder: 'Push or pull?', ignoreFocusOut: true },
  );
  if (!mode) {
    return undefined;
  }
  const group = await vscode.window.showInputBox({
    prompt: 'Shared consumer group (competing consumers, commits offsets). Empty = broadcast: nothing left on the cluster.',
    ignoreFocusOut: true,
  });
  if (group === undefined) {
    return undefined;
  }
  const partitions = await vscode.window.showInputBox({ prompt: 'Only these partitions (e.g. 0, 2). Empty = all.', ignoreFocusOut: true });
  if (partitions === undefined) {
    return undefined;
  }
  return {
    ...start,
    mode: mode.id,
    ...(group.trim() ? { group: group.trim() } : {}),
    ...(partitions.trim() ? { partitions: parsePartitions(partitions) } : {}),
  };
}
