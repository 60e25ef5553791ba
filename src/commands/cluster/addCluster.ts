import * as vscode from 'vscode';
import type { ClusterEntry } from '../../connections/connectionService';
import { parseBootstrapServers } from '../../connections/bootstrap';
import { UserCancelled } from '../commandRegistry';
import { type CommandContext, objectArg, stringField } from '../context';

/**
 * Add Cluster: name and bootstrap servers (asked, or given as `{ name, bootstrapServers }`),
 * kept across reloads. Checks that the cluster answers and says so, but keeps it either way.
 */
export async function addCluster(ctx: CommandContext, arg?: unknown): Promise<ClusterEntry> {
  const given = objectArg(arg);
  const bootstrapServers =
    stringField(given, 'bootstrapServers') ??
    (await ask({
      title: 'Add Cluster (1/2): bootstrap servers',
      prompt: 'Comma-separated host:port list',
      value: 'localhost:9092',
      validateInput: (text) => {
        const parsed = parseBootstrapServers(text);
        return 'error' in parsed ? parsed.error : undefined;
      },
    }));
  const existing = new Set(ctx.connections.listClusters().map((c) => c.name));
  const name =
    stringField(given, 'name') ??
    (await ask({
      title: 'Add Cluster (2/2): name',
      prompt: 'A name to show in the Clusters view',
      value: suggestName(bootstrapServers, existing),
      validateInput: (text) =>
        !text.trim() ? 'Enter a name.' : existing.has(text.trim()) ? 'A cluster with this name exists.' : undefined,
    }));
  const cluster = await ctx.connections.addCluster({ name, bootstrapServers });
  void checkReachable(ctx, cluster);
  return cluster;
}

async function ask(options: vscode.InputBoxOptions): Promise<string> {
  const value = await vscode.window.showInputBox({ ignoreFocusOut: true, ...options });
  if (value === undefined) {
    throw new UserCancelled();
  }
  return value;
}

function suggestName(servers: string, taken: Set<string>): string {
  const host = servers.split(/[,\s]+/)[0]?.split(':')[0] || 'cluster';
  const base = host === 'localhost' || host === '127.0.0.1' ? 'Local' : host;
  let name = base;
  for (let n = 2; taken.has(name); n++) {
    name = `${base} ${n}`;
  }
  return name;
}

/** A warning, not a refusal: the user may add a cluster before starting it. */
async function checkReachable(ctx: CommandContext, cluster: ClusterEntry): Promise<void> {
  try {
    await ctx.connections.getClient(cluster.id).listTopics();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const choice = await vscode.window.showWarningMessage(
      `Added "${cluster.name}", but it does not answer yet: ${message}`,
      'Show Logs',
    );
    if (choice === 'Show Logs') {
      ctx.log.show(true);
    }
  }
}
