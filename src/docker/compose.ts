import { type ProcessRunner, runProcess } from '../core/process';

export type { ProcessRunner, RunResult } from '../core/process';
export { runProcess } from '../core/process';

/** How Compose is invoked on this machine: the v2 plugin (`docker compose`) or v1 (`docker-compose`). */
export interface ComposeCommand {
  file: string;
  baseArgs: string[];
  label: string;
}

/** Why Compose cannot run here, in words that say what to do instead. */
export class DockerUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DockerUnavailableError';
  }
}

/**
 * Finds a working Compose: `docker compose` first, then the older `docker-compose`.
 * Throws DockerUnavailableError naming what is missing.
 */
export async function detectCompose(run: ProcessRunner = runProcess): Promise<ComposeCommand> {
  const plugin = await run('docker', ['compose', 'version'], 10_000);
  if (plugin.code === 0) {
    return { file: 'docker', baseArgs: ['compose'], label: 'docker compose' };
  }
  const legacy = await run('docker-compose', ['version'], 10_000);
  if (legacy.code === 0) {
    return { file: 'docker-compose', baseArgs: [], label: 'docker-compose' };
  }
  throw new DockerUnavailableError('Docker Compose was not found (neither "docker compose" nor "docker-compose").');
}

/** Checks that a Docker engine answers, so "not running" is told apart from "not installed". */
export async function checkDockerEngine(run: ProcessRunner = runProcess): Promise<void> {
  const info = await run('docker', ['info', '--format', '{{.ServerVersion}}'], 15_000);
  if (info.code === 127) {
    throw new DockerUnavailableError('Docker is not installed (the "docker" command was not found).');
  }
  if (info.code !== 0) {
    const reason = info.stderr.trim().split('\n').pop() ?? 'no answer';
    throw new DockerUnavailableError(`The Docker engine is not running or not reachable (${reason}).`);
  }
}

/** `compose up -d` on the bundled file; rejects with Compose's own last error lines. */
export async function composeUp(
  compose: ComposeCommand,
  composeFile: string,
  options: { projectName: string; hostPort: number },
  run: ProcessRunner = runProcess,
): Promise<void> {
  const result = await run(
    compose.file,
    [...compose.baseArgs, '-f', composeFile, '-p', options.projectName, 'up', '-d'],
    10 * 60_000,
    // The bundled file reads its host port from the environment, so it is never edited.
    { MQX_KAFKA_PORT: String(options.hostPort) },
  );
  if (result.code !== 0) {
    const lines = result.stderr.trim().split('\n').filter(Boolean);
    throw new Error(`${compose.label} up failed: ${lines.slice(-3).join(' ') || `exit code ${result.code}`}`);
  }
}
