import { type ComposeCommand, DockerUnavailableError, type ProcessRunner, type RunResult, checkDockerEngine, detectCompose, runProcess } from './compose';
import { isPortInUse, portInUseMessage } from '../core/ports';

/** Compose project and container names of the bundled stack (the container name is fixed in the file). */
export const PROJECT_NAME = 'mq-explorer';
export const CONTAINER_NAME = 'mq-explorer-kafka';
const SERVICE = 'kafka';
const UP_TIMEOUT_MS = 10 * 60_000;
const COMMAND_TIMEOUT_MS = 2 * 60_000;

/** The user's settings for the stack; they reach the bundled file as environment variables. */
export interface StackSettings {
  hostPort: number;
  imageTag: string;
  defaultPartitions: number;
  autoCreateTopics: boolean;
}

/** What `docker inspect` says about the container, reduced to what the tree shows. */
export type StackStatus = 'running' | 'starting' | 'unhealthy' | 'stopped';

/** Why a Compose command failed, so the UI can say what to do. */
export type ComposeFailureKind = 'port-in-use' | 'image-pull' | 'daemon' | 'other';

export class ComposeFailure extends Error {
  constructor(
    readonly kind: ComposeFailureKind,
    message: string,
  ) {
    super(message);
    this.name = 'ComposeFailure';
  }
}

/** The environment the bundled docker-compose.yaml reads (`${MQX_KAFKA_PORT:-9092}` and friends). */
export function stackEnvironment(settings: StackSettings): Record<string, string> {
  return {
    MQX_KAFKA_PORT: String(settings.hostPort),
    MQX_KAFKA_IMAGE_TAG: settings.imageTag,
    MQX_KAFKA_PARTITIONS: String(settings.defaultPartitions),
    MQX_KAFKA_AUTO_CREATE: String(settings.autoCreateTopics),
  };
}

/** The last meaningful lines of Compose's output, for messages. */
function lastLines(result: RunResult, count = 3): string {
  const lines = `${result.stderr}\n${result.stdout}`.trim().split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.slice(-count).join(' ') || `exit code ${result.code}`;
}

const PORT_IN_USE = /port is already allocated|address already in use|bind: address/i;
const IMAGE_PULL = /pull access denied|manifest unknown|not found: manifest|failed to resolve reference|error pulling image|toomanyrequests|registry-1\.docker\.io|no such host|TLS handshake timeout/i;
const DAEMON = /Cannot connect to the Docker daemon|Is the docker daemon running|docker daemon is not running|error during connect/i;

/** Turns a failed Compose run into a sentence the user can act on. */
export async function classifyComposeFailure(
  label: string,
  result: RunResult,
  settings: StackSettings,
  run: ProcessRunner = runProcess,
): Promise<ComposeFailure> {
  const text = `${result.stderr}\n${result.stdout}`;
  if (PORT_IN_USE.test(text)) {
    return new ComposeFailure('port-in-use', await portInUseMessage(settings.hostPort, run));
  }
  if (IMAGE_PULL.test(text)) {
    return new ComposeFailure(
      'image-pull',
      `Docker could not pull the image apache/kafka:${settings.imageTag} (${lastLines(result, 1)}). ` +
        'Check the tag in mqExplorer.localKafka.docker.imageTag and that Docker can reach its registry.',
    );
  }
  if (DAEMON.test(text)) {
    return new ComposeFailure('daemon', `The Docker engine is not running (${lastLines(result, 1)}). Start Docker and try again.`);
  }
  return new ComposeFailure('other', `${label} failed: ${lastLines(result)}`);
}

/**
 * The bundled Compose stack's lifecycle: up, down, restart, status, logs and reset (`down -v`).
 * Every command line goes through `run`, so tests can record them; settings travel as environment.
 */
export class ComposeStack {
  constructor(
    readonly compose: ComposeCommand,
    readonly composeFile: string,
    readonly settings: StackSettings,
    private readonly run: ProcessRunner = runProcess,
  ) {}

  /** Checks the engine, then finds Compose (plugin first, v1 second). Throws DockerUnavailableError. */
  static async detect(composeFile: string, settings: StackSettings, run: ProcessRunner = runProcess): Promise<ComposeStack> {
    await checkDockerEngine(run);
    return new ComposeStack(await detectCompose(run), composeFile, settings, run);
  }

  /** Arguments after the executable for one Compose subcommand on the bundled file. */
  composeArgs(...subcommand: string[]): string[] {
    return [...this.compose.baseArgs, '-f', this.composeFile, '-p', PROJECT_NAME, ...subcommand];
  }

  get environment(): Record<string, string> {
    return stackEnvironment(this.settings);
  }

  /** `up -d`; refuses early (naming the holder) when the host port is taken by something else. */
  async up(): Promise<void> {
    if ((await this.status()) === 'stopped' && (await isPortInUse(this.settings.hostPort))) {
      throw new ComposeFailure('port-in-use', await portInUseMessage(this.settings.hostPort, this.run));
    }
    await this.runCompose('up', UP_TIMEOUT_MS, 'up', '-d');
  }

  /** `down`: removes the container, keeps the data volume. */
  async down(): Promise<void> {
    await this.runCompose('down', COMMAND_TIMEOUT_MS, 'down');
  }

  /** `restart` of the Kafka service (data kept). */
  async restart(): Promise<void> {
    await this.runCompose('restart', COMMAND_TIMEOUT_MS, 'restart', SERVICE);
  }

  /** `down -v`: removes the container and the data volume (every topic and message). */
  async reset(): Promise<void> {
    await this.runCompose('down -v', COMMAND_TIMEOUT_MS, 'down', '-v');
  }

  /** The container's state from `docker inspect` (works the same with Compose v1 and v2). */
  async status(): Promise<StackStatus> {
    const result = await this.run(
      'docker',
      ['inspect', '--format', '{{.State.Status}}|{{if .State.Health}}{{.State.Health.Status}}{{end}}', CONTAINER_NAME],
      15_000,
    );
    if (result.code !== 0) {
      if (/no such (object|container)/i.test(result.stderr)) {
        return 'stopped';
      }
      throw DAEMON.test(result.stderr)
        ? new DockerUnavailableError(`The Docker engine is not running or not reachable (${lastLines(result, 1)}).`)
        : new Error(`docker inspect failed: ${lastLines(result)}`);
    }
    const [state, health] = result.stdout.trim().split('|');
    if (state !== 'running' && state !== 'restarting') {
      return state === 'created' ? 'starting' : 'stopped';
    }
    if (state === 'restarting' || health === 'starting') {
      return 'starting';
    }
    return health === 'unhealthy' ? 'unhealthy' : 'running';
  }

  /** Executable, arguments and environment that follow the broker's logs (for a terminal). */
  logsCommand(): { file: string; args: string[]; env: Record<string, string> } {
    return { file: this.compose.file, args: this.composeArgs('logs', '-f', '--tail', '200', SERVICE), env: this.environment };
  }

  private async runCompose(label: string, timeoutMs: number, ...subcommand: string[]): Promise<void> {
    const result = await this.run(this.compose.file, this.composeArgs(...subcommand), timeoutMs, this.environment);
    if (result.code !== 0) {
      throw await classifyComposeFailure(`${this.compose.label} ${label}`, result, this.settings, this.run);
    }
  }
}
