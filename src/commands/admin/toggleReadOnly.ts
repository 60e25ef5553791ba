import * as vscode from 'vscode';
import type { ClusterEntry } from '../../connections/connectionService';
import { type CommandContext, objectArg } from '../context';
import { resolveCluster } from '../pickers';

/**
 * Toggle Read-Only: a read-only cluster refuses every write (create, delete, config, purge, reset,
 * produce) wherever it is asked for, and its menus hide them. `{ clusterId, readOnly }` sets it.
 */
export async function toggleReadOnly(ctx: CommandContext, arg?: unknown): Promise<ClusterEntry> {
  const cluster = await resolveCluster(ctx, arg);
  const wanted = objectArg(arg).readOnly;
  const readOnly = typeof wanted === 'boolean' ? wanted : !cluster.readOnly;
  const updated = await ctx.connections.setReadOnly(cluster.id, readOnly);
  void vscode.window.showInformationMessage(`${cluster.name} is ${readOnly ? 'read-only now: writes are refused' : 'writable again'}.`);
  return updated;
}
