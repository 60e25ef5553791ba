import * as vscode from 'vscode';
import type { ClusterInput } from '../../connections/clusterInput';
import type { ClusterEntry } from '../../connections/connectionService';
import { type CommandContext, objectArg } from '../context';
import { resolveCluster } from '../pickers';
import { runClusterForm } from './clusterForm';
import { askAfterFailure, checkConnection, clusterFromArg } from './connectionCheck';

/** What the stored password secret is for: nothing, a SASL password, or an OAuth client secret. */
function loginKind(sasl: { mechanism: string } | undefined): 'none' | 'password' | 'oauth' {
  return sasl === undefined ? 'none' : sasl.mechanism === 'oauthbearer' ? 'oauth' : 'password';
}

/**
 * Edit Cluster: the Add Cluster flow prefilled with the cluster's settings; an empty password
 * keeps the stored one. With `{ clusterId, name, bootstrapServers, ... }` it updates without prompts.
 */
export async function editCluster(ctx: CommandContext, arg?: unknown): Promise<ClusterEntry> {
  const cluster = await resolveCluster(ctx, arg);
  if (cluster.source === 'settings') {
    await vscode.commands.executeCommand('workbench.action.openSettings', 'mqExplorer.clusters');
    throw new Error(`"${cluster.name}" is declared in the setting mqExplorer.clusters; edit it there (opened).`);
  }
  const given = clusterFromArg(arg);
  if (given) {
    const input = { ...given.input, readOnly: objectArg(arg).readOnly === undefined ? cluster.readOnly : given.input.readOnly };
    const secrets = { ...given.secrets };
    // As in the form: a stored password is never reused as an OAuth client secret, or the reverse.
    if (!('password' in secrets) && loginKind(cluster.sasl) !== loginKind(input.sasl)) {
      secrets.password = undefined;
    }
    return ctx.connections.updateCluster(cluster.id, input, Object.keys(secrets).length > 0 ? secrets : undefined);
  }
  const taken = new Set(ctx.connections.listClusters().filter((c) => c.id !== cluster.id).map((c) => c.name));
  const hasStoredPassword = await ctx.connections.hasSecret(cluster.id, 'password');
  let initial: ClusterInput = {
    name: cluster.name,
    bootstrapServers: cluster.bootstrapServers.join(', '),
    clientId: cluster.clientId,
    sasl: cluster.sasl,
    tls: cluster.tls,
  };
  for (;;) {
    const form = await runClusterForm({ title: `Edit ${cluster.name}`, takenNames: taken, initial, hasStoredPassword });
    // Test with the password just typed, or the stored one when it was kept.
    const verdict = await checkConnection(ctx, form.input, form.secrets, cluster.id);
    if (verdict.ok || (await askAfterFailure(verdict.message)) === 'save') {
      // Read-only mode is switched with its own command; editing keeps it.
      const updated = await ctx.connections.updateCluster(cluster.id, { ...form.input, readOnly: cluster.readOnly }, form.secrets);
      void vscode.window.showInformationMessage(`Saved "${updated.name}"${verdict.ok ? ' (connected)' : ''}.`);
      return updated;
    }
    initial = form.input;
  }
}
