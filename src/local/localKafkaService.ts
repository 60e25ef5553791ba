import * as vscode from 'vscode';
import type { ClusterEntry, ConnectionService } from '../connections/connectionService';
import { DisposableStore } from '../core/lifecycle';
import { ComposeStack, type StackSettings, type StackStatus } from '../docker/stack';
// Type only: the runtime itself comes from the extension's wiring (src/brokers/registry.ts).
import type { KafkaLocalRuntime } from '../brokers/registry';

/** The two ways to run the local Kafka; both register the same "Local" cluster. */
export type LocalBackend = 'docker' | 'java';
export const LOCAL_BACKENDS: readonly LocalBackend[] = ['docker', 'java'];
export const LOCAL_CLUSTER_NAME = 'Local';

export type LocalStatus = StackStatus | 'stopping' | 'unavailable';

export interface LocalStatusReport {
  backend: LocalBackend;
  status: LocalStatus;
  /** Why unavailable, or where it runs. */
  detail?: string;
}

/** Progress reports of a long operation, as sentences plus an optional percentage increment. */
export interface LocalProgress {
  report(message: string, increment?: number): void;
  signal?: AbortSignal;
}

const SECTION = 'mqExplorer.localKafka';
const READY_DEADLINE_MS = 180_000;

/**
 * Owns the local Kafka of both backends: the bundled Compose stack and the broker run from Maven
 * jars as a child process. Starts and stops them, keeps the "Local" cluster in step, and stops the
 * Java broker when the extension deactivates. UI (progress, prompts) stays in the commands.
 */
export class LocalKafkaService extends DisposableStore {
  private broker: ReturnType<KafkaLocalRuntime['createBroker']> | undefined;
  private readonly pending = new Map<LocalBackend, LocalStatus>();
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  /** Fires when a backend's state may have changed. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly connections: ConnectionService,
    private readonly log: vscode.LogOutputChannel,
    private readonly extensionUri: vscode.Uri,
    private readonly defaultStorage: vscode.Uri,
    private readonly runtime: KafkaLocalRuntime,
  ) {
    super();
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(SECTION)) {
          this.changed.fire();
        }
      }),
    );
  }

  /** Host port both backends listen on. */
  get port(): number {
    return this.config().get<number>('port', 9092);
  }

  get bootstrapServers(): string {
    return `localhost:${this.port}`;
  }

  stackSettings(): StackSettings {
    const config = this.config();
    return {
      hostPort: this.port,
      imageTag: config.get<string>('docker.imageTag', '4.1.1'),
      defaultPartitions: config.get<number>('defaultPartitions', 3),
      autoCreateTopics: config.get<boolean>('autoCreateTopics', false),
    };
  }

  /** The Compose stack with the current settings; throws DockerUnavailableError when Docker cannot run it. */
  async stack(): Promise<ComposeStack> {
    const file = vscode.Uri.joinPath(this.extensionUri, 'docker-compose.yaml').fsPath;
    return ComposeStack.detect(file, this.stackSettings());
  }

  async status(backend: LocalBackend): Promise<LocalStatusReport> {
    const pending = this.pending.get(backend);
    if (pending) {
      return { backend, status: pending };
    }
    if (backend === 'java') {
      const state = this.broker?.state ?? 'stopped';
      return { backend, status: state, detail: state === 'running' ? this.bootstrapServers : undefined };
    }
    try {
      const status = await (await this.stack()).status();
      return { backend, status, detail: status === 'running' ? this.bootstrapServers : undefined };
    } catch (error) {
      return { backend, status: 'unavailable', detail: error instanceof Error ? error.message : String(error) };
    }
  }

  /** Starts a backend, waits until the broker answers, and returns the "Local" cluster. */
  async start(backend: LocalBackend, progress: LocalProgress): Promise<ClusterEntry> {
    return this.busy(backend, 'starting', async () => {
      if (backend === 'docker') {
        await this.startDocker(progress);
      } else {
        await this.startJava(progress);
      }
      progress.report('Adding the "Local" cluster…');
      const cluster = await this.ensureLocalCluster();
      await this.waitUntilAnswering(cluster, progress);
      this.log.info(`Local Kafka (${backend}) is ready on ${this.bootstrapServers}`);
      return cluster;
    });
  }

  async stop(backend: LocalBackend, options: { removeCluster?: boolean } = {}): Promise<void> {
    await this.busy(backend, 'stopping', async () => {
      if (backend === 'docker') {
        await (await this.stack()).down();
      } else {
        await this.broker?.stop();
      }
    });
    if (options.removeCluster ?? this.config().get<boolean>('removeClusterOnStop', false)) {
      await this.removeLocalCluster();
    }
  }

  async restart(backend: LocalBackend, progress: LocalProgress): Promise<ClusterEntry> {
    if (backend === 'docker') {
      const stack = await this.stack();
      if ((await stack.status()) !== 'stopped') {
        await this.busy(backend, 'starting', () => stack.restart());
      }
    } else {
      await this.broker?.stop();
    }
    return this.start(backend, progress);
  }

  /** Stops the backend and deletes its data (`down -v`, or the broker's data folder), and the "Local" cluster. */
  async reset(backend: LocalBackend): Promise<void> {
    await this.busy(backend, 'stopping', async () => {
      if (backend === 'docker') {
        await (await this.stack()).reset();
      } else {
        await (this.broker ?? this.createBroker()).reset();
      }
    });
    await this.removeLocalCluster();
  }

  /** Stops the Java broker; awaited on deactivate so it never outlives VS Code. */
  async stopJavaBroker(): Promise<void> {
    await this.broker?.stop();
  }

  /** Removes the "Local" cluster entry (not the broker). */
  async removeLocalCluster(): Promise<void> {
    const local = this.connections.listClusters().find((c) => c.name === LOCAL_CLUSTER_NAME && c.source === 'user');
    if (local) {
      await this.connections.removeCluster(local.id);
    }
  }

  override dispose(): void {
    void this.stopJavaBroker();
    super.dispose();
  }

  private config(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(SECTION);
  }

  private async busy<T>(backend: LocalBackend, status: LocalStatus, work: () => Promise<T>): Promise<T> {
    this.pending.set(backend, status);
    this.changed.fire();
    try {
      return await work();
    } finally {
      this.pending.delete(backend);
      this.changed.fire();
    }
  }

  private async startDocker(progress: LocalProgress): Promise<void> {
    const stack = await this.stack();
    progress.report(`Starting the container with ${stack.compose.label} (the first start pulls the image)…`);
    await stack.up();
    const deadline = Date.now() + READY_DEADLINE_MS;
    let status = await stack.status();
    while (status !== 'running') {
      progress.signal?.throwIfAborted();
      if (status === 'stopped' || Date.now() > deadline) {
        throw new Error(
          `The Kafka container ${status === 'stopped' ? 'stopped' : `is still ${status} after 3 minutes`}; ` +
            'run "MQ Explorer: Show Local Kafka Logs" to see why.',
        );
      }
      progress.report(`Waiting for the broker's health check (${status})…`);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      status = await stack.status();
    }
  }

  private storageDir(): string {
    return this.config().get<string>('storageDirectory', '') || this.defaultStorage.fsPath;
  }

  private kafkaVersion(): string {
    return this.config().get<string>('kafkaVersion', this.runtime.defaultVersion);
  }

  private createBroker(javaExecutable = 'java'): ReturnType<KafkaLocalRuntime['createBroker']> {
    const version = this.kafkaVersion();
    const { libsDir, workDir } = this.runtime.paths(this.storageDir(), version);
    const settings = this.stackSettings();
    return this.runtime.createBroker({
      java: javaExecutable,
      manifest: this.runtime.manifestFor(version),
      libsDir,
      workDir,
      port: settings.hostPort,
      defaultPartitions: settings.defaultPartitions,
      autoCreateTopics: settings.autoCreateTopics,
      onLog: (line) => this.log.info(`[local kafka] ${line}`),
      onStateChange: () => this.changed.fire(),
    });
  }

  private async startJava(progress: LocalProgress): Promise<void> {
    if (this.broker?.state === 'running') {
      return;
    }
    progress.report('Looking for Java 17+…');
    const java = await this.runtime.detectJava(this.config().get<string>('javaHome', '') || undefined);
    this.log.info(`Using Java ${java.version} (${java.executable})`);
    const version = this.kafkaVersion();
    const manifest = this.runtime.manifestFor(version);
    const { libsDir } = this.runtime.paths(this.storageDir(), version);
    if (!this.runtime.isComplete(manifest, libsDir)) {
      const repositoryUrl = this.config().get<string>('mavenRepository', this.runtime.mavenCentral) || this.runtime.mavenCentral;
      this.log.info(`Downloading Kafka ${version} (${manifest.artifacts.length} jars) from ${repositoryUrl} into ${libsDir}`);
      let reported = 0;
      await this.runtime.downloadKafka(manifest, libsDir, {
        repositoryUrl,
        signal: progress.signal,
        log: (line) => this.log.debug(line),
        onProgress: ({ doneBytes, totalBytes, current }) => {
          const percent = Math.floor((doneBytes / totalBytes) * 100);
          if (percent > reported) {
            progress.report(`Downloading Kafka ${version}: ${(doneBytes / 1e6).toFixed(1)} of ${(totalBytes / 1e6).toFixed(1)} MB (${current})`, percent - reported);
            reported = percent;
          }
        },
      });
    }
    progress.report(`Starting Kafka ${version} on 127.0.0.1:${this.port}…`);
    this.broker = this.createBroker(java.executable);
    await this.broker.start(progress.signal);
  }

  /** The one "Local" cluster, pointing at the configured port (a stale user entry is replaced). */
  private async ensureLocalCluster(): Promise<ClusterEntry> {
    const local = this.connections.listClusters().find((c) => c.name === LOCAL_CLUSTER_NAME);
    if (local && (local.bootstrapServers.join(',') === this.bootstrapServers || local.source === 'settings')) {
      return local;
    }
    if (local) {
      await this.connections.removeCluster(local.id);
    }
    return this.connections.addCluster({ name: LOCAL_CLUSTER_NAME, bootstrapServers: this.bootstrapServers });
  }

  /** The broker may accept connections a little before it serves metadata: poll until it answers. */
  private async waitUntilAnswering(cluster: ClusterEntry, progress: LocalProgress): Promise<void> {
    progress.report('Waiting for the broker to answer…');
    const deadline = Date.now() + READY_DEADLINE_MS;
    for (;;) {
      progress.signal?.throwIfAborted();
      try {
        await this.connections.getClient(cluster.id).listTopics();
        return;
      } catch (error) {
        if (Date.now() > deadline) {
          throw new Error(`The local broker did not answer on ${this.bootstrapServers}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}
