/**
 * A private beanstalkd per test file, from the Debian package: `beanstalkd -l 127.0.0.1 -p <free
 * port> -z <max job size>`, ready when its port accepts a connection (~20 ms), stopped by PID;
 * SIGUSR1 (startDraining) puts it into drain mode.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as net from 'node:net';
import { getFreePort } from './ports';
import { waitUntil } from './util';

export class BeanstalkdServer {
  private constructor(
    readonly port: number,
    readonly maxJobSize: number,
    private readonly process: ChildProcess,
  ) {}

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** The server's process id (its own `stats` reports it too). */
  get pid(): number | undefined {
    return this.process.pid;
  }

  /** SIGUSR1: beanstalkd enters drain mode and refuses new jobs with DRAINING until it restarts. */
  startDraining(): void {
    this.process.kill('SIGUSR1');
  }

  static async start(options: { maxJobSize?: number } = {}): Promise<BeanstalkdServer> {
    const port = await getFreePort();
    const maxJobSize = options.maxJobSize ?? 65_535;
    const child = spawn('beanstalkd', ['-l', '127.0.0.1', '-p', String(port), '-z', String(maxJobSize)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const spawnError = new Promise<never>((_, reject) => child.once('error', (e) => reject(new Error(`beanstalkd did not start (apt-get install -y beanstalkd): ${e.message}`))));
    const server = new BeanstalkdServer(port, maxJobSize, child);
    await Promise.race([
      spawnError,
      waitUntil(
        () => {
          if (child.exitCode !== null) {
            throw new Error(`beanstalkd exited with code ${child.exitCode}: ${stderr}`);
          }
          return accepts(port);
        },
        { timeoutMs: 10_000, intervalMs: 20, what: `beanstalkd on port ${port}` },
      ),
    ]);
    return server;
  }

  /** SIGSTOP: the server keeps its connections open but answers nothing until `resume`. */
  freeze(): void {
    this.process.kill('SIGSTOP');
  }

  resume(): void {
    this.process.kill('SIGCONT');
  }

  async stop(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) {
      return;
    }
    const exited = new Promise<void>((resolve) => this.process.once('exit', () => resolve()));
    this.process.kill('SIGCONT'); // a frozen server would not act on SIGTERM until continued
    this.process.kill('SIGTERM');
    await exited;
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
