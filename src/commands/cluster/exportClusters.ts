import * as fs from 'node:fs/promises';
import * as vscode from 'vscode';
import { UserCancelled } from '../commandRegistry';
import { type CommandContext, objectArg, stringField } from '../context';

/** Export Clusters: every cluster definition to a JSON file, without passwords or passphrases. */
export async function exportClusters(ctx: CommandContext, arg?: unknown): Promise<string> {
  const exported = ctx.connections.exportClusters();
  if (exported.clusters.length === 0) {
    throw new Error('There are no clusters to export yet.');
  }
  const file =
    stringField(objectArg(arg), 'file') ??
    (
      await vscode.window.showSaveDialog({
        title: 'Export cluster definitions (no secrets)',
        defaultUri: vscode.Uri.joinPath(vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(process.cwd()), 'mq-explorer-clusters.json'),
        filters: { JSON: ['json'] },
      })
    )?.fsPath;
  if (!file) {
    throw new UserCancelled();
  }
  await fs.writeFile(file, `${JSON.stringify(exported, null, 2)}\n`);
  ctx.log.info(`Exported ${exported.clusters.length} cluster definitions to ${file}`);
  void vscode.window.showInformationMessage(
    `Exported ${exported.clusters.length} cluster${exported.clusters.length === 1 ? '' : 's'} to ${file} (passwords are not included).`,
  );
  return file;
}
