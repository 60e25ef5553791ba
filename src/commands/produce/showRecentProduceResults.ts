import * as vscode from 'vscode';
import type { CommandContext } from '../context';
import type { ProduceHistory, ProduceHistoryEntry } from './produceHistory';

interface HistoryPick extends vscode.QuickPickItem {
  entry: ProduceHistoryEntry;
}

/**
 * Show Recent Produce Results: a quick pick of the last results; picking one offers Show in Tail
 * (from the run's first offsets) or Show Log. `{ index, action }` picks without asking (tests).
 * Returns the tail panel's id when one was opened.
 */
export async function showRecentProduceResults(ctx: CommandContext, history: ProduceHistory, arg?: unknown): Promise<string | undefined> {
  const entries = history.list();
  if (entries.length === 0) {
    void vscode.window.showInformationMessage('No produce results yet in this window: they are listed here after a produce run.');
    return undefined;
  }
  const given = typeof arg === 'object' && arg !== null ? (arg as { index?: unknown; action?: unknown }) : {};
  let entry: ProduceHistoryEntry | undefined = typeof given.index === 'number' ? entries[given.index] : undefined;
  if (!entry) {
    const picked = await vscode.window.showQuickPick<HistoryPick>(
      entries.map((e) => ({
        label: `${e.failed > 0 ? '$(warning) ' : ''}${e.topic}`,
        description: `${e.clusterName} · ${new Date(e.time).toLocaleTimeString()}`,
        detail: e.text,
        entry: e,
      })),
      { title: 'Recent Produce Results', placeHolder: 'Pick a result to show its messages in a tail', matchOnDetail: true },
    );
    entry = picked?.entry;
  }
  if (!entry) {
    return undefined;
  }
  const actions = entry.startOffsets.length > 0 ? ['Show in Tail', 'Show Log'] : ['Show Log'];
  const action = typeof given.action === 'string' ? given.action : await vscode.window.showInformationMessage(entry.text, ...actions);
  if (action === 'Show in Tail' && entry.startOffsets.length > 0) {
    const cluster = ctx.connections.getCluster(entry.clusterId);
    if (!cluster) {
      throw new Error(`The cluster "${entry.clusterName}" of that result no longer exists.`);
    }
    const panel = await ctx.tails.open(cluster, { topics: [entry.topic], fromBeginning: false, startOffsets: entry.startOffsets });
    return panel.id;
  }
  if (action === 'Show Log') {
    ctx.log.show(true);
  }
  return undefined;
}
