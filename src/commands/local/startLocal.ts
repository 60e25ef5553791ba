import * as vscode from 'vscode';
import type { ClusterEntry } from '../../connections/connectionService';
import { DockerUnavailableError } from '../../docker/compose';
import type { LocalCommandContext as CommandContext } from './localContext';
import { BACKEND_LABELS, resolveBackend, withLocalProgress } from './localArgs';

/**
 * Start Local Kafka: with Docker (`compose up -d`) or without (download the jars, run a broker with
 * Java); waits until it answers and adds the "Local" cluster. Argument: `{ backend }` or a tree node.
 */
export async function startLocal(ctx: CommandContext, arg?: unknown): Promise<ClusterEntry | undefined> {
  const backend = await resolveBackend(arg, 'Start Local Kafka');
  try {
    const cluster = await withLocalProgress(`Starting local Kafka ${BACKEND_LABELS[backend]}`, (progress) =>
      ctx.local.start(backend, progress),
    );
    void vscode.window.showInformationMessage(`Local Kafka (${BACKEND_LABELS[backend]}) is running on ${ctx.local.bootstrapServers}.`);
    return cluster;
  } catch (error) {
    if (!(error instanceof DockerUnavailableError)) {
      throw error;
    }
    // No Docker is not a failure of ours: offer the way that needs none (not awaited: no popup blocks the command).
    ctx.log.warn(`Start Local Kafka: ${error.message}`);
    void vscode.window
      .showErrorMessage(`${error.message} Run Kafka without Docker instead? It needs Java 17 or newer.`, 'Start without Docker')
      .then((choice) => choice && vscode.commands.executeCommand('mqExplorer.local.start', { backend: 'java' }));
    return undefined;
  }
}
