import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { ensureKafkaJars, randomClusterId } from './kafkaJars';
import { loggingConfig, serverProperties, toProperties } from './kafkaConfig';
import { type HarnessSecurity, type SecuredPorts, assignSecuredPorts, extraPortCount, scramFormatArgs, securedListenerProperties } from './kafkaSecurity';
import { installExitHook, liveChildren, ownedDataDirs, tailOf } from './kafkaProcesses';
import { getFreePorts } from './ports';

export { ensureKafkaJars, kafkaCacheDir, repoRoot } from './kafkaJars';

/** Kafka version used when none is given; CI can switch it with KAFKA_VERSION. */
export const DEFAULT_KAFKA_VERSION: string = process.env.KAFKA_VERSION || '3.9.2';
/** Versions the harness is tested against (newest 3.x and newest 4.x). */
export const SUPPORTED_KAFKA_VERSIONS: readonly string[] = ['3.9.2', '4.4.0'];

const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;
/**
 * When the whole cluster goes down, the last Raft leader waits 5 s (hard-coded in Kafka) for a
 * successor that cannot be elected. Its broker part has already shut down cleanly by then, so
 * for throw-away data we cut that wait short.
 */
const DISPOSABLE_STOP_TIMEOUT_MS = 2_000;
const POLL_INTERVAL_MS = 250;
const DEFAULT_JVM_OPTIONS = ['-Xmx512m', '-Xms256m', '-XX:+UseSerialGC', '-Djava.awt.headless=true'];

/** One KRaft node (broker and controller in the same process). */
export interface KafkaNodeInfo extends SecuredPorts {
  id: number;
  /** PLAINTEXT client port on 127.0.0.1. */
  port: number;
  /** CONTROLLER (quorum) port on 127.0.0.1. */
  controllerPort: number;
}

export interface KafkaClusterOptions {
  version?: string;
  /** Number of combined broker+controller nodes, all of them quorum voters. Default 1. */
  nodes?: number;
  /** Keeps data here (and keeps it on stop); reused as-is if already formatted. Default: fresh temp dir. */
  dataDir?: string;
  /** Extra or overriding server.properties entries, applied to every node. */
  brokerConfig?: Record<string, string>;
  /** Secured listeners (SASL, SSL, MTLS) beside the PLAINTEXT one. */
  security?: HarnessSecurity;
  /** Extra JVM flags appended after the defaults (later flags win in the JVM). */
  jvmOptions?: string[];
  /** Deadline for every node to report all live brokers. Default 60 s. */
  readyTimeoutMs?: number;
  log?: (line: string) => void;
}

/** Lists the broker ids one node reports, asking only that node. */
async function brokersSeenBy(port: number): Promise<number[]> {
  const kafka = new Kafka({
    clientId: 'harness-readiness',
    brokers: [`127.0.0.1:${port}`],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 2000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const { brokers } = await admin.describeCluster();
    return brokers.map((b) => b.nodeId).sort((a, b) => a - b);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * A real Kafka cluster in KRaft combined mode: N JVMs on 127.0.0.1, all quorum voters.
 * Start with {@link KafkaCluster.start}; always {@link KafkaCluster.stop} it.
 */
export class KafkaCluster {
  readonly nodes: KafkaNodeInfo[];
  readonly bootstrapServers: string;
  /** Bootstrap list of a secured listener (see KafkaClusterOptions.security); throws when not configured. */
  securedBootstrap(listener: 'sasl' | 'ssl' | 'mtls'): string {
    const key = `${listener}Port` as const;
    if (this.nodes.some((n) => n[key] === undefined)) {
      throw new Error(`this cluster has no ${listener.toUpperCase()} listener; pass security options to start()`);
    }
    return this.nodes.map((n) => `127.0.0.1:${String(n[key])}`).join(',');
  }
  private readonly processes = new Map<number, ChildProcess>();
  private readonly exited = new Map<number, string>();
  private readonly log: (line: string) => void;

  private constructor(
    readonly version: string,
    readonly dataDir: string,
    readonly clusterId: string,
    private readonly libsDir: string,
    private readonly ownsDataDir: boolean,
    nodes: KafkaNodeInfo[],
    private readonly options: KafkaClusterOptions,
  ) {
    this.nodes = nodes;
    this.bootstrapServers = nodes.map((n) => `127.0.0.1:${n.port}`).join(',');
    this.log = options.log ?? (() => undefined);
  }

  /**
   * Fetches the jars if needed, formats (unless already formatted) and starts every node,
   * and resolves once every node reports all brokers. Throws with the failing node's log tail.
   */
  static async start(options: KafkaClusterOptions = {}): Promise<KafkaCluster> {
    const version = options.version ?? DEFAULT_KAFKA_VERSION;
    const count = options.nodes ?? 1;
    if (!Number.isInteger(count) || count < 1) {
      throw new Error(`nodes must be a positive integer, got ${count}`);
    }
    const log = options.log ?? (() => undefined);
    const libsDir = await ensureKafkaJars(version, log);
    const ownsDataDir = options.dataDir === undefined;
    const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-harness-'));
    fs.mkdirSync(dataDir, { recursive: true });
    if (ownsDataDir) {
      ownedDataDirs.add(dataDir);
    }

    // A reused data dir keeps its cluster id; only nodes never formatted need formatting.
    const existingId = KafkaCluster.readClusterId(dataDir, count);
    const perNode = 2 + extraPortCount(options.security);
    const ports = await getFreePorts(count * perNode);
    const nodes = Array.from({ length: count }, (_, i) => ({
      id: i + 1,
      port: ports[perNode * i],
      controllerPort: ports[perNode * i + 1],
      ...assignSecuredPorts(options.security, ports.slice(perNode * i + 2, perNode * (i + 1))),
    }));
    const cluster = new KafkaCluster(
      version,
      dataDir,
      existingId ?? randomClusterId(),
      libsDir,
      ownsDataDir,
      nodes,
      options,
    );
    installExitHook();
    try {
      const started = Date.now();
      nodes.forEach((n) => cluster.writeNodeConfig(n));
      await Promise.all(nodes.map((n) => cluster.formatIfNeeded(n)));
      nodes.forEach((n) => cluster.spawnNode(n));
      await cluster.waitUntilReady();
      log(`kafka ${version} with ${count} node(s) ready in ${Date.now() - started} ms: ${cluster.bootstrapServers}`);
      return cluster;
    } catch (err) {
      await cluster.stop();
      throw err;
    }
  }

  /** Stops one node (controlled shutdown) and waits until the others no longer report it. */
  async stopNode(id: number): Promise<void> {
    this.nodeInfo(id);
    await this.terminate(id);
    await this.waitUntilReady();
  }

  /**
   * Kills one node at once (SIGKILL: no controlled shutdown, connections reset as in a crash, its
   * leaderships not handed over: the controller fences it only after broker.session.timeout.ms) and
   * waits for its process to exit. The signal is sent before this returns its promise, so a test
   * can kill at an exact point of a run. Restart it with {@link startNode}.
   */
  async killNode(id: number): Promise<void> {
    this.nodeInfo(id);
    const child = this.processes.get(id);
    if (!child) {
      return;
    }
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      await exited;
    }
    this.processes.delete(id);
    liveChildren.delete(child);
  }

  /** Restarts a stopped node with its data and waits until every node reports it again. */
  async startNode(id: number): Promise<void> {
    const node = this.nodeInfo(id);
    if (this.processes.has(id)) {
      throw new Error(`node ${id} is already running`);
    }
    this.spawnNode(node);
    await this.waitUntilReady();
  }

  /**
   * Stops every node (SIGTERM, SIGKILL after a deadline) and removes the data unless the
   * caller chose the data dir. Safe to call twice.
   */
  async stop(): Promise<void> {
    const timeout = this.ownsDataDir ? DISPOSABLE_STOP_TIMEOUT_MS : STOP_TIMEOUT_MS;
    await Promise.all([...this.processes.keys()].map((id) => this.terminate(id, timeout)));
    if (this.ownsDataDir) {
      fs.rmSync(this.dataDir, { recursive: true, force: true });
      ownedDataDirs.delete(this.dataDir);
    }
  }

  /** Ids of nodes whose process is currently running. */
  liveNodeIds(): number[] {
    return [...this.processes.keys()].sort((a, b) => a - b);
  }

  /** Where a node keeps its config, data and logs (server.log, stdout.log). */
  nodeDir(id: number): string {
    return path.join(this.dataDir, `node-${id}`);
  }

  /** Last lines of a node's broker log and JVM output, for error messages. */
  logTail(id: number, lines = 40): string {
    const dir = this.nodeDir(id);
    return (
      `--- node ${id} server.log ---\n${tailOf(path.join(dir, 'server.log'), lines)}\n` +
      `--- node ${id} stdout.log ---\n${tailOf(path.join(dir, 'stdout.log'), lines)}`
    );
  }

  private static readClusterId(dataDir: string, count: number): string | undefined {
    for (let id = 1; id <= count; id++) {
      const meta = path.join(dataDir, `node-${id}`, 'data', 'meta.properties');
      if (fs.existsSync(meta)) {
        const m = /^cluster\.id=(.+)$/m.exec(fs.readFileSync(meta, 'utf8'));
        if (m) {
          return m[1].trim();
        }
      }
    }
    return undefined;
  }

  private nodeInfo(id: number): KafkaNodeInfo {
    const node = this.nodes.find((n) => n.id === id);
    if (!node) {
      throw new Error(`no node ${id}; nodes are ${this.nodes.map((n) => n.id).join(', ')}`);
    }
    return node;
  }

  private get usesLog4j2(): boolean {
    return fs.readdirSync(this.libsDir).some((f) => f.startsWith('log4j-core-'));
  }

  private writeNodeConfig(node: KafkaNodeInfo): void {
    const dir = this.nodeDir(node.id);
    fs.mkdirSync(path.join(dir, 'data'), { recursive: true });
    const base = serverProperties(this.version, node, this.nodes, path.join(dir, 'data'));
    const config = {
      ...base,
      ...securedListenerProperties(base, this.options.security, node),
      ...this.options.brokerConfig,
    };
    fs.writeFileSync(path.join(dir, 'server.properties'), toProperties(config));
    const logging = loggingConfig(this.usesLog4j2, path.join(dir, 'server.log'));
    fs.writeFileSync(path.join(dir, logging.file), logging.text);
  }

  private javaArgs(node: KafkaNodeInfo, mainClass: string, args: string[]): string[] {
    const dir = this.nodeDir(node.id);
    const logging = loggingConfig(this.usesLog4j2, path.join(dir, 'server.log'));
    return [
      ...DEFAULT_JVM_OPTIONS,
      ...(this.options.jvmOptions ?? []),
      `${logging.property}${path.join(dir, logging.file)}`,
      '-cp',
      `${this.libsDir}/*`,
      mainClass,
      ...args,
    ];
  }

  private formatIfNeeded(node: KafkaNodeInfo): Promise<void> {
    const dir = this.nodeDir(node.id);
    if (fs.existsSync(path.join(dir, 'data', 'meta.properties'))) {
      return Promise.resolve();
    }
    // '--cluster-id=' keeps an id starting with '-' from being read as an option. No
    // --standalone/--initial-controllers: the quorum is the static controller.quorum.voters.
    const args = this.javaArgs(node, 'kafka.tools.StorageTool', [
      'format',
      `--cluster-id=${this.clusterId}`,
      '-c',
      path.join(dir, 'server.properties'),
      ...scramFormatArgs(this.options.security),
    ]);
    return new Promise<void>((resolve, reject) => {
      const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr.on('data', (c: Buffer) => (output += c.toString()));
      child.once('error', reject);
      child.once('close', (code) => {
        if (code === 0) {
          resolve();
        } else {
          reject(new Error(`formatting node ${node.id} failed (exit ${String(code)}):\n${output.slice(-4000)}`));
        }
      });
    });
  }

  private spawnNode(node: KafkaNodeInfo): void {
    const dir = this.nodeDir(node.id);
    // A file rather than a pipe: a full pipe nobody reads would block the broker.
    const out = fs.openSync(path.join(dir, 'stdout.log'), 'a');
    let child: ChildProcess;
    try {
      child = spawn('java', this.javaArgs(node, 'kafka.Kafka', [path.join(dir, 'server.properties')]), {
        stdio: ['ignore', out, out],
      });
    } finally {
      fs.closeSync(out);
    }
    this.log(`node ${node.id}: pid ${String(child.pid)}, port ${node.port}, controller ${node.controllerPort}`);
    this.processes.set(node.id, child);
    this.exited.delete(node.id);
    liveChildren.add(child);
    child.once('error', (err) => this.exited.set(node.id, `spawn error: ${err.message}`));
    child.once('exit', (code, signal) => {
      liveChildren.delete(child);
      this.exited.set(node.id, `exited with ${signal ?? String(code)}`);
    });
  }

  private async terminate(id: number, timeoutMs = STOP_TIMEOUT_MS): Promise<void> {
    const child = this.processes.get(id);
    if (!child) {
      return;
    }
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      });
      const outcome = await Promise.race([exited, deadline]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        this.log(`node ${id} still running ${timeoutMs} ms after SIGTERM; sending SIGKILL`);
        child.kill('SIGKILL');
        await exited;
      }
    }
    this.processes.delete(id);
    liveChildren.delete(child);
  }

  /** Polls every live node until each one reports exactly the live broker set. */
  /**
   * Ready = two sweeps in a row in which every live node reports exactly the live brokers.
   * Checking each node once, at different moments, was not enough: a broker that registers
   * late can be seen by one node and then missing from all views for a moment (seen in CI-like
   * runs on 2 cores), so the views must agree at the same time, twice.
   */
  private async waitUntilReady(): Promise<void> {
    const expected = this.liveNodeIds();
    const deadline = Date.now() + (this.options.readyTimeoutMs ?? READY_TIMEOUT_MS);
    const lastSeen = new Map<number, string>();
    let goodSweeps = 0;
    while (goodSweeps < 2) {
      const pending = new Set(expected);
      for (const id of expected) {
        const died = this.processes.has(id) ? this.exited.get(id) : undefined;
        if (died) {
          throw new Error(`kafka node ${id} ${died} while starting\n${this.logTail(id)}`);
        }
        try {
          const seen = await brokersSeenBy(this.nodeInfo(id).port);
          lastSeen.set(id, `brokers [${seen.join(',')}]`);
          if (seen.join(',') === expected.join(',')) {
            pending.delete(id);
          }
        } catch (err) {
          lastSeen.set(id, (err as Error).message);
        }
      }
      goodSweeps = pending.size === 0 ? goodSweeps + 1 : 0;
      if (goodSweeps >= 2) {
        break;
      }
      if (pending.size > 0 && Date.now() > deadline) {
        const id = [...pending][0];
        throw new Error(
          `kafka node ${id} did not report brokers [${expected.join(',')}] within the deadline ` +
            `(last: ${lastSeen.get(id) ?? 'no answer'})\n${this.logTail(id)}`,
        );
      }
      await new Promise<void>((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    }
  }
}
