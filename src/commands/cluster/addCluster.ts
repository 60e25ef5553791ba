import * as vscode from 'vscode';
import type { ClusterEntry } from '../../connections/connectionService';
import { type CommandContext, objectArg } from '../context';
import { runClusterForm } from './clusterForm';
import { askAfterFailure, checkConnection, clusterFromArg } from './connectionCheck';

/**
 * Add Cluster: the guided flow (servers, name, SASL, TLS), a connection test before saving, and
 * clear feedback on what failed. Given a full cluster as argument it adds without prompts, and
 * warns (or, with `requireConnection: true`, refuses) when the cluster does not answer.
 */
export async function addCluster(ctx: CommandContext, arg?: unknown): Promise<ClusterEntry> {
  const given = clusterFromArg(arg);
  if (given) {
    const verdict = await ctx.connections.testConnection(given.input, given.secrets).then(
      () => undefined,
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    if (verdict && objectArg(arg).requireConnection === true) {
      throw new Error(verdict);
    }
    const cluster = await ctx.connections.addCluster(given.input, given.secrets);
    if (verdict) {
      void vscode.window.showWarningMessage(`Added "${cluster.name}", but it does not answer yet: ${verdict}`, 'Show Logs').then(
        (choice) => choice && ctx.log.show(true),
      );
    }
    return cluster;
  }

  const taken = new Set(ctx.connections.listClusters().map((c) => c.name));
  let form = await runClusterForm({ title: 'Add Cluster', takenNames: taken });
  for (;;) {
    const verdict = await checkConnection(ctx, form.input, form.secrets);
    if (verdict.ok || (await askAfterFailure(verdict.message)) === 'save') {
      const cluster = await ctx.connections.addCluster(form.input, form.secrets);
      const status = verdict.ok ? `connected, ${verdict.brokers} broker${verdict.brokers === 1 ? '' : 's'}` : 'saved without a working connection';
      void vscode.window.showInformationMessage(`Added "${cluster.name}" (${status}).`);
      return cluster;
    }
    form = await runClusterForm({ title: 'Add Cluster', takenNames: taken, initial: form.input, hasStoredPassword: false });
  }
}
