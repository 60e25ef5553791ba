import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { Kafka, logLevel } from 'kafkajs';
import { isPortInUse, portInUseMessage } from '../../../core/ports';
import { loggingConfig, serverProperties, toProperties } from './brokerConfig';
import { type KafkaManifest, usesLog4j2 } from './manifest';

export type LocalBrokerState = 'stopped' | 'starting' | 'running' | 'stopping';

export interface LocalBrokerOptions {
  /** The `java` executable (see detectJava). */
  java: string;
  manifest: KafkaManifest;
  /** Folder holding the downloaded jars. */
  libsDir: string;
  /** Folder for config and data; `data/` below it is what reset removes. */
  workDir: string;
  port: number;
  defaultPartitions: number;
  autoCreateTopics: boolean;
  /** Each line the broker prints, and our own notes. */
  onLog?: (line: string) => void;
  onStateChange?: (state: LocalBrokerState) => void;
  readyTimeoutMs?: number;
}

const JVM_OPTIONS = ['-Xmx512m', '-Xms128m', '-XX:+UseSerialGC', '-Djava.awt.headless=true'];
const STOP_TIMEOUT_MS = 20_000;
const POLL_MS = 250;
const KEPT_LINES = 40;

// Brokers of this process, killed if the process ends without stopping them (a crash of the host).
const running = new Set<ChildProcess>();
let exitHook = false;

/**
 * One Kafka broker (KRaft, broker and controller in one JVM) run as a child process from the
 * downloaded jars, listening on 127.0.0.1. Formats its storage on first start, keeps data across
 * restarts, and removes it on reset.
 */
export class LocalBroker {
  private child: ChildProcess | undefined;
  private current: LocalBrokerState = 'stopped';
  private readonly recent: string[] = [];
  private exitReason: string | undefined;

  constructor(private readonly options: LocalBrokerOptions) {}

  get state(): LocalBrokerState {
    return this.current;
  }

  get bootstrapServer(): string {
    return `127.0.0.1:${this.options.port}`;
  }

  get dataDir(): string {
    return path.join(this.options.workDir, 'data');
  }

  /** Formats storage if needed, starts the JVM and resolves once the broker answers. */
  async start(signal?: AbortSignal): Promise<void> {
    if (this.current !== 'stopped') {
      throw new Error(`The local broker is ${this.current}.`);
    }
    if (await isPortInUse(this.options.port)) {
      throw new Error(await portInUseMessage(this.options.port));
    }
    this.setState('starting');
    try {
      fs.mkdirSync(this.dataDir, { recursive: true });
      const controllerPort = await this.controllerPort();
      const config = path.join(this.options.workDir, 'server.properties');
      fs.writeFileSync(
        config,
        toProperties(
          serverProperties({
            port: this.options.port,
            controllerPort,
            logDir: this.dataDir,
            kafkaVersion: this.options.manifest.kafkaVersion,
            defaultPartitions: this.options.defaultPartitions,
            autoCreateTopics: this.options.autoCreateTopics,
          }),
        ),
      );
      const logging = loggingConfig(usesLog4j2(this.options.manifest));
      fs.writeFileSync(path.join(this.options.workDir, logging.file), logging.text);
      if (!fs.existsSync(path.join(this.dataDir, 'meta.properties'))) {
        await this.format(config);
      }
      this.spawnBroker(config);
      await this.waitUntilReady(signal);
      this.setState('running');
      this.note(`Kafka ${this.options.manifest.kafkaVersion} is running on ${this.bootstrapServer}`);
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** Stops the broker (SIGTERM, SIGKILL after 20 s); the data stays. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) {
      this.setState('stopped');
      return;
    }
    this.setState('stopping');
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), STOP_TIMEOUT_MS)));
      if ((await Promise.race([exited, late])) === 'late') {
        this.note('The broker did not stop within 20 s; killing it.');
        child.kill('SIGKILL');
        await exited;
      }
      clearTimeout(timer);
    }
    this.child = undefined;
    running.delete(child);
    this.setState('stopped');
  }

  async restart(signal?: AbortSignal): Promise<void> {
    await this.stop();
    await this.start(signal);
  }

  /** Stops the broker and deletes its data (topics, messages, offsets). */
  async reset(): Promise<void> {
    await this.stop();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
    fs.rmSync(path.join(this.options.workDir, 'controller-port'), { force: true });
    this.note(`Deleted the local broker's data in ${this.dataDir}`);
  }

  private setState(state: LocalBrokerState): void {
    if (state !== this.current) {
      this.current = state;
      this.options.onStateChange?.(state);
    }
  }

  private note(line: string): void {
    this.options.onLog?.(line);
  }

  private javaArgs(mainClass: string, args: string[]): string[] {
    const logging = loggingConfig(usesLog4j2(this.options.manifest));
    return [
      ...JVM_OPTIONS,
      `${logging.jvmProperty}${path.join(this.options.workDir, logging.file)}`,
      '-cp',
      path.join(this.options.libsDir, '*'),
      mainClass,
      ...args,
    ];
  }

  /** Reuses the controller port of the last run when free, so the quorum address stays the same. */
  private async controllerPort(): Promise<number> {
    const file = path.join(this.options.workDir, 'controller-port');
    const previous = fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8')) : NaN;
    const port = Number.isInteger(previous) && !(await isPortInUse(previous)) ? previous : await freePort();
    fs.writeFileSync(file, String(port));
    return port;
  }

  private format(config: string): Promise<void> {
    // 16 random bytes, base64url, as the storage tool wants; a leading '-' would read as an option.
    const clusterId = randomBytes(16).toString('base64url').replace(/^[-_]/, 'A');
    this.note(`Formatting storage in ${this.dataDir}`);
    const child = spawn(this.options.java, this.javaArgs('kafka.tools.StorageTool', ['format', `--cluster-id=${clusterId}`, '-c', config]), {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.pipeLines(child);
    return new Promise((resolve, reject) => {
      child.once('error', (err) => reject(new Error(`Cannot run ${this.options.java}: ${err.message}`)));
      child.once('close', (code) =>
        code === 0 ? resolve() : reject(new Error(`Formatting the broker's storage failed (exit ${String(code)}):\n${this.recentLog()}`)),
      );
    });
  }

  private spawnBroker(config: string): void {
    this.exitReason = undefined;
    const child = spawn(this.options.java, this.javaArgs('kafka.Kafka', [config]), { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    installExitHook();
    running.add(child);
    this.note(`Started the broker (pid ${String(child.pid)}) on ${this.bootstrapServer}`);
    this.pipeLines(child);
    child.once('error', (err) => (this.exitReason = `could not start: ${err.message}`));
    child.once('exit', (code, signal) => {
      running.delete(child);
      this.exitReason = `exited with ${signal ?? `code ${String(code)}`}`;
      if (this.child === child && this.current === 'running') {
        // Died on its own (killed, out of memory): say so and show it as stopped.
        this.note(`The broker ${this.exitReason}.`);
        this.child = undefined;
        this.setState('stopped');
      }
    });
  }

  private pipeLines(child: ChildProcess): void {
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) {
        readline.createInterface({ input: stream }).on('line', (line) => {
          this.recent.push(line);
          if (this.recent.length > KEPT_LINES) {
            this.recent.shift();
          }
          this.options.onLog?.(line);
        });
      }
    }
  }

  private recentLog(): string {
    return this.recent.slice(-15).join('\n');
  }

  private async waitUntilReady(signal?: AbortSignal): Promise<void> {
    const deadline = Date.now() + (this.options.readyTimeoutMs ?? 90_000);
    let last = 'no answer';
    for (;;) {
      signal?.throwIfAborted();
      if (this.exitReason) {
        throw new Error(`The local broker ${this.exitReason} while starting:\n${this.recentLog()}`);
      }
      try {
        await answers(this.options.port);
        return;
      } catch (error) {
        last = error instanceof Error ? error.message : String(error);
      }
      if (Date.now() > deadline) {
        throw new Error(`The local broker did not answer on ${this.bootstrapServer} in time (${last}).`);
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}

/** Resolves when the broker at 127.0.0.1:port lists itself as a live broker. */
async function answers(port: number): Promise<void> {
  const admin = new Kafka({
    clientId: 'mq-explorer-readiness',
    brokers: [`127.0.0.1:${port}`],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    requestTimeout: 2_000,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    const { brokers } = await admin.describeCluster();
    if (brokers.length === 0) {
      throw new Error('no live broker yet');
    }
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function installExitHook(): void {
  if (!exitHook) {
    exitHook = true;
    // Synchronous by necessity: 'exit' handlers cannot wait. SIGKILL cannot be ignored.
    process.on('exit', () => running.forEach((child) => child.kill('SIGKILL')));
  }
}
