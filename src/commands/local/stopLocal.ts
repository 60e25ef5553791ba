import * as vscode from 'vscode';
import type { LocalCommandContext as CommandContext } from './localContext';
import { objectArg } from '../context';
import { BACKEND_LABELS, resolveBackend } from './localArgs';

/**
 * Stop Local Kafka (data kept). `{ backend, removeCluster: true }` also removes the "Local" cluster
 * (the default follows mqExplorer.localKafka.removeClusterOnStop).
 */
export async function stopLocal(ctx: CommandContext, arg?: unknown): Promise<void> {
  const backend = await resolveBackend(arg, 'Stop Local Kafka');
  const removeCluster = objectArg(arg).removeCluster;
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Stopping local Kafka (${BACKEND_LABELS[backend]})…` },
    () => ctx.local.stop(backend, { removeCluster: typeof removeCluster === 'boolean' ? removeCluster : undefined }),
  );
}
