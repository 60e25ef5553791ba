import * as vscode from 'vscode';
import type { ClusterEntry } from '../connections/connectionService';
import { DockerUnavailableError, checkDockerEngine, composeUp, detectCompose } from '../docker/compose';
import { UserCancelled } from './commandRegistry';
import type { CommandContext } from './context';

const READY_DEADLINE_MS = 120_000;

/**
 * Start Local Kafka (Docker): `compose up -d` on the bundled docker-compose.yaml, waits until the
 * broker answers, and adds a "Local" cluster. Without Docker it says so and names the alternative.
 */
export async function startLocalKafka(ctx: CommandContext): Promise<ClusterEntry | undefined> {
  const port = vscode.workspace.getConfiguration('mqExplorer.localKafka').get<number>('port', 9092);
  try {
    await checkDockerEngine();
    const compose = await detectCompose();
    const composeFile = vscode.Uri.joinPath(ctx.extensionUri, 'docker-compose.yaml').fsPath;
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Starting local Kafka with ${compose.label}…` },
      () => composeUp(compose, composeFile, { projectName: 'mq-explorer', hostPort: port }),
    );
  } catch (error) {
    if (error instanceof DockerUnavailableError) {
      await explainNoDocker(ctx, error.message);
      return undefined;
    }
    throw error;
  }
  const cluster = await ensureLocalCluster(ctx, `localhost:${port}`);
  await waitUntilAnswering(ctx, cluster);
  ctx.tree.refresh();
  void vscode.window.showInformationMessage(`Local Kafka is running on localhost:${port}.`);
  return cluster;
}

async function explainNoDocker(ctx: CommandContext, reason: string): Promise<void> {
  ctx.log.warn(`Start Local Kafka: ${reason}`);
  const choice = await vscode.window.showErrorMessage(
    `${reason} Start Local Kafka needs Docker. Without Docker, run a broker from the official Kafka jars ` +
      '(Java 17+; the README\'s "Local Kafka without Docker" section shows how) and add it with "Add Cluster".',
    'Open README',
    'Add Cluster',
  );
  if (choice === 'Open README') {
    await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.joinPath(ctx.extensionUri, 'README.md'));
  } else if (choice === 'Add Cluster') {
    await vscode.commands.executeCommand('mqExplorer.addCluster');
  }
}

async function ensureLocalCluster(ctx: CommandContext, servers: string): Promise<ClusterEntry> {
  const existing = ctx.connections.listClusters().find((c) => c.bootstrapServers.join(',') === servers);
  if (existing) {
    return existing;
  }
  const taken = new Set(ctx.connections.listClusters().map((c) => c.name));
  const name = taken.has('Local') ? `Local (${servers})` : 'Local';
  return ctx.connections.addCluster({ name, bootstrapServers: servers });
}

/** The container starts before the broker inside it listens: poll (each try time-bounded) until it answers. */
async function waitUntilAnswering(ctx: CommandContext, cluster: ClusterEntry): Promise<void> {
  await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: 'Waiting for the local broker to answer…',
      cancellable: true,
    },
    async (_progress, token) => {
      const deadline = Date.now() + READY_DEADLINE_MS;
      let lastError: unknown;
      while (Date.now() < deadline) {
        if (token.isCancellationRequested) {
          throw new UserCancelled();
        }
        try {
          await ctx.connections.getClient(cluster.id).listTopics();
          return;
        } catch (error) {
          lastError = error;
          await new Promise((resolve) => setTimeout(resolve, 1_000));
        }
      }
      const reason = lastError instanceof Error ? lastError.message : String(lastError);
      throw new Error(`The local Kafka container started but the broker did not answer within 2 minutes: ${reason}`);
    },
  );
}
