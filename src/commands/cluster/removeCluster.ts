import * as vscode from 'vscode';
import { UserCancelled } from '../commandRegistry';
import { type CommandContext, objectArg } from '../context';
import { resolveCluster } from '../pickers';

/** Remove Cluster: asks once (unless given `{ clusterId, skipConfirmation: true }`), closes the cluster's connection, and forgets it. */
export async function removeCluster(ctx: CommandContext, arg?: unknown): Promise<void> {
  const cluster = await resolveCluster(ctx, arg);
  const confirmed =
    objectArg(arg).skipConfirmation === true ||
    (await vscode.window.showWarningMessage(
      `Remove the cluster "${cluster.name}" from MQ Explorer? Nothing on the cluster itself changes.`,
      { modal: true },
      'Remove',
    )) === 'Remove';
  if (!confirmed) {
    throw new UserCancelled();
  }
  ctx.tails.closeForCluster(cluster.id);
  await ctx.connections.removeCluster(cluster.id);
}
