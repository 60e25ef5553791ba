import * as vscode from 'vscode';
import { type LocalBackend, type LocalProgress, LOCAL_BACKENDS } from '../../local/localKafkaService';
import { UserCancelled } from '../commandRegistry';
import { objectArg, stringField } from '../context';

export const BACKEND_LABELS: Record<LocalBackend, string> = { docker: 'Docker', java: 'without Docker (Java)' };

/**
 * The backend a local-Kafka command acts on: from a tree node or `{ backend: 'docker' | 'java' }`,
 * else asked for.
 */
export async function resolveBackend(arg: unknown, title: string): Promise<LocalBackend> {
  const given = stringField(objectArg(arg), 'backend');
  if (given !== undefined) {
    if (!(LOCAL_BACKENDS as readonly string[]).includes(given)) {
      throw new Error(`Unknown local Kafka backend "${given}"; use "docker" or "java".`);
    }
    return given as LocalBackend;
  }
  const picked = await vscode.window.showQuickPick(
    [
      { label: 'Docker', description: 'the bundled docker-compose.yaml', backend: 'docker' as const },
      { label: 'Without Docker', description: 'Kafka jars from Maven Central, run with Java 17+', backend: 'java' as const },
    ],
    { title, placeHolder: 'How should the local Kafka run?' },
  );
  if (!picked) {
    throw new UserCancelled();
  }
  return picked.backend;
}

/** Runs long local-Kafka work under a cancellable notification; cancelling ends the command quietly. */
export async function withLocalProgress<T>(title: string, work: (progress: LocalProgress) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  try {
    return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
      token.onCancellationRequested(() => controller.abort());
      return work({
        report: (message, increment) => progress.report({ message, increment }),
        signal: controller.signal,
      });
    });
  } catch (error) {
    if (controller.signal.aborted) {
      throw new UserCancelled();
    }
    throw error;
  }
}
