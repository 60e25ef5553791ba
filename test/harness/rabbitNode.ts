/**
 * A private RabbitMQ node per test run, from the Debian rabbitmq-server package (no Docker): its
 * own node name, Erlang cookie, epmd, ports, data and log directories, with the management and
 * stream plugins. The system node on 5672 is never used, stopped or reconfigured. Started on
 * 127.0.0.1 only; readiness is `rabbitmqctl await_startup` and then the management API answering.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { getFreePorts } from './ports';
import { makeTempDir, removeDir, waitUntil } from './util';

export interface RabbitNodeOptions {
  /** Extra lines for rabbitmq.conf. */
  config?: string[];
  /** How long to wait for the node (default 90 s: a loaded 2-core machine is slow to boot Erlang). */
  startTimeoutMs?: number;
}

export interface RabbitPorts {
  amqp: number;
  management: number;
  stream: number;
  dist: number;
  epmd: number;
}

/** Where the package keeps the server's own scripts (not the /usr/sbin wrapper, which switches user). */
export function rabbitSbinDir(): string {
  const lib = '/usr/lib/rabbitmq/lib';
  const versions = fs.existsSync(lib) ? fs.readdirSync(lib).filter((d) => d.startsWith('rabbitmq_server-')).sort() : [];
  if (versions.length === 0) {
    throw new Error('rabbitmq-server is not installed (apt-get install -y rabbitmq-server): run scripts/setup.sh');
  }
  return path.join(lib, versions[versions.length - 1], 'sbin');
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { env, timeout: timeoutMs }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, output: `${String(stdout)}${String(stderr)}` });
    });
  });
}

export class RabbitNode {
  private stopped = false;

  private constructor(
    readonly nodeName: string,
    readonly ports: RabbitPorts,
    readonly dir: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly server: ChildProcess,
  ) {}

  /** amqp://guest:guest@127.0.0.1:<port> (guest may log in from loopback). */
  get amqpUrl(): string {
    return `amqp://guest:guest@127.0.0.1:${this.ports.amqp}`;
  }

  get managementUrl(): string {
    return `http://127.0.0.1:${this.ports.management}`;
  }

  static async start(options: RabbitNodeOptions = {}): Promise<RabbitNode> {
    const sbin = rabbitSbinDir();
    const dir = makeTempDir('rabbit');
    const [amqp, management, stream, dist, epmd] = await getFreePorts(5);
    const ports = { amqp, management, stream, dist, epmd };
    const nodeName = `mqxtest-${randomBytes(4).toString('hex')}@localhost`;
    const home = path.join(dir, 'home');
    fs.mkdirSync(home, { recursive: true });
    const cookie = path.join(home, '.erlang.cookie');
    fs.writeFileSync(cookie, randomBytes(16).toString('hex').toUpperCase());
    fs.chmodSync(cookie, 0o400);
    const file = (name: string, content: string): string => {
      const target = path.join(dir, name);
      fs.writeFileSync(target, content);
      return target;
    };
    const config = file(
      'rabbitmq.conf',
      [
        `listeners.tcp.1 = 127.0.0.1:${amqp}`,
        'management.tcp.ip = 127.0.0.1',
        `management.tcp.port = ${management}`,
        `stream.listeners.tcp.1 = 127.0.0.1:${stream}`,
        'stream.advertised_host = 127.0.0.1',
        `stream.advertised_port = ${stream}`,
        'log.console = false',
        'disk_free_limit.absolute = 50MB',
        // Fresh management stats (queue counts lag ~0.7 s instead of ~5 s).
        'collect_statistics_interval = 500',
        'management.rates_mode = basic',
        'management.sample_retention_policies.global.minute = 1',
        'management.sample_retention_policies.basic.minute = 1',
        'management.sample_retention_policies.detailed.10 = 1',
        ...(options.config ?? []),
        '',
      ].join('\n'),
    );
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HOME: home,
      RABBITMQ_NODENAME: nodeName,
      RABBITMQ_CONF_ENV_FILE: file('rabbitmq-env.conf', ''),
      RABBITMQ_CONFIG_FILE: config.replace(/\.conf$/, ''),
      RABBITMQ_ADVANCED_CONFIG_FILE: file('advanced.config', '[].\n'),
      RABBITMQ_ENABLED_PLUGINS_FILE: file('enabled_plugins', '[rabbitmq_management,rabbitmq_stream].\n'),
      RABBITMQ_MNESIA_BASE: path.join(dir, 'mnesia'),
      RABBITMQ_LOG_BASE: path.join(dir, 'log'),
      RABBITMQ_NODE_PORT: String(amqp),
      RABBITMQ_DIST_PORT: String(dist),
      ERL_EPMD_PORT: String(epmd),
      ERL_EPMD_ADDRESS: '127.0.0.1',
      RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
      RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-kernel inet_dist_use_interface {127,0,0,1}',
    };
    const out = fs.openSync(path.join(dir, 'server.out'), 'a');
    const server = spawn(path.join(sbin, 'rabbitmq-server'), [], { env, detached: true, stdio: ['ignore', out, out] });
    fs.closeSync(out);
    const node = new RabbitNode(nodeName, ports, dir, env, server);
    try {
      await node.awaitReady(options.startTimeoutMs ?? 90_000);
    } catch (error) {
      const log = node.logTail();
      await node.stop();
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n--- node output ---\n${log}`);
    }
    return node;
  }

  private async awaitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    await waitUntil(
      async () => {
        if (this.server.exitCode !== null) {
          throw new Error(`rabbitmq-server exited with code ${this.server.exitCode}`);
        }
        const left = Math.max(1, Math.round((deadline - Date.now()) / 1000));
        const { code } = await this.ctl(['await_startup', '--timeout', String(Math.min(left, 30))], 35_000);
        return code === 0;
      },
      { timeoutMs, intervalMs: 500, what: `the RabbitMQ node ${this.nodeName} to start` },
    );
    await waitUntil(async () => (await this.api('/api/overview')).ok, {
      timeoutMs: Math.max(5_000, deadline - Date.now()),
      what: 'the management API',
    });
  }

  /** rabbitmqctl against this node (its own cookie, epmd and name). */
  ctl(args: string[], timeoutMs = 30_000): Promise<{ code: number; output: string }> {
    return run(path.join(rabbitSbinDir(), 'rabbitmqctl'), ['-q', '-n', this.nodeName, ...args], this.env, timeoutMs);
  }

  /** A management API call as guest. */
  api(pathAndQuery: string, init: { method?: string; body?: unknown } = {}): Promise<Response> {
    return fetch(`${this.managementUrl}${pathAndQuery}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Basic ${Buffer.from('guest:guest').toString('base64')}`, 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  }

  logTail(lines = 40): string {
    const files = [path.join(this.dir, 'server.out')];
    const logDir = path.join(this.dir, 'log');
    if (fs.existsSync(logDir)) {
      files.push(...fs.readdirSync(logDir).map((f) => path.join(logDir, f)));
    }
    return files
      .filter((f) => fs.existsSync(f) && fs.statSync(f).isFile())
      .map((f) => `${path.basename(f)}:\n${fs.readFileSync(f, 'utf8').split('\n').slice(-lines).join('\n')}`)
      .join('\n');
  }

  /** Stops the node (SIGTERM to its process group, then SIGKILL), its private epmd, and removes its data. */
  async stop(): Promise<void> {
    if (this.stopped) {
      return;
    }
    this.stopped = true;
    const group = this.server.pid;
    if (group !== undefined && this.server.exitCode === null) {
      const exited = new Promise<void>((resolve) => this.server.once('exit', () => resolve()));
      try {
        process.kill(-group, 'SIGTERM');
      } catch {
        // already gone
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-group, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 20_000);
      await exited;
      clearTimeout(timer);
    }
    await killListener(this.ports.epmd);
    removeDir(this.dir);
  }
}

/** Kills whatever listens on 127.0.0.1:<port> (the node's private epmd, started detached by Erlang). */
async function killListener(port: number): Promise<void> {
  const { output } = await run('ss', ['-ltnpH', `sport = :${port}`], process.env, 5_000);
  for (const match of output.matchAll(/pid=(\d+)/g)) {
    try {
      process.kill(Number(match[1]), 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
