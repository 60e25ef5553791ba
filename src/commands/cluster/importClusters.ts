import * as fs from 'node:fs/promises';
import * as vscode from 'vscode';
import type { ClusterSecrets } from '../../core/brokerClient';
import { parseClusterExport } from '../../connections/clusterInput';
import type { ClusterEntry } from '../../connections/connectionService';
import { UserCancelled } from '../commandRegistry';
import { type CommandContext, objectArg, stringField } from '../context';

/**
 * Import Clusters: reads an export file, checks every entry first (all or nothing: a bad entry or
 * a name already in use imports none), asks the password of each SASL cluster, then adds them.
 * `{ file, passwords: { [name]: password } }` imports without prompts.
 */
export async function importClusters(ctx: CommandContext, arg?: unknown): Promise<ClusterEntry[]> {
  const given = objectArg(arg);
  const file =
    stringField(given, 'file') ??
    (await vscode.window.showOpenDialog({ title: 'Import cluster definitions', canSelectMany: false, filters: { JSON: ['json'] } }))?.[0]
      ?.fsPath;
  if (!file) {
    throw new UserCancelled();
  }
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`);
  }
  let inputs;
  try {
    inputs = parseClusterExport(text);
  } catch (error) {
    throw new Error(`Nothing was imported from ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const existing = new Set(ctx.connections.listClusters().map((c) => c.name));
  const clash = inputs.find((c) => existing.has(c.name));
  if (clash) {
    throw new Error(`Nothing was imported: a cluster named "${clash.name}" already exists. Rename it in the file or remove the existing one.`);
  }
  const passwords = objectArg(given.passwords);
  const secrets: ClusterSecrets[] = [];
  for (const input of inputs) {
    if (!input.sasl) {
      secrets.push({});
      continue;
    }
    const known = passwords[input.name];
    const password =
      typeof known === 'string'
        ? known
        : await vscode.window.showInputBox({
            title:
              input.sasl.mechanism === 'oauthbearer'
                ? `Import: secret of OAuth client ${input.sasl.clientId} on ${input.name}`
                : `Import: password of ${input.sasl.username} on ${input.name}`,
            prompt: 'Stored in VS Code secret storage only. Cancel to import nothing.',
            password: true,
            ignoreFocusOut: true,
          });
    if (password === undefined) {
      throw new UserCancelled();
    }
    secrets.push({ password });
  }
  const added: ClusterEntry[] = [];
  for (const [i, input] of inputs.entries()) {
    added.push(await ctx.connections.addCluster(input, secrets[i]));
  }
  void vscode.window.showInformationMessage(`Imported ${added.length} cluster${added.length === 1 ? '' : 's'} from ${file}.`);
  return added;
}
