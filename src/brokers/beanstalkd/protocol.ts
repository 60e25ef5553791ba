/**
 * The beanstalkd text protocol (protocol.txt of beanstalkd 1.12) over one TCP connection, with job
 * bodies kept as exact bytes. Commands are pipelined: each waits for its reply in the order sent.
 * A blocking `reserve` holds its connection, so a worker uses a connection of its own.
 * Nothing here imports `vscode`.
 */
import * as net from 'node:net';
import { parseYamlList, parseYamlMap } from './yaml';

/** A reply the server gave instead of the expected one, with its words (NOT_FOUND, JOB_TOO_BIG…). */
export class BeanstalkdReplyError extends Error {
  constructor(
    readonly command: string,
    readonly reply: string,
  ) {
    super(`beanstalkd answered "${reply}" to ${command}`);
    this.name = 'BeanstalkdReplyError';
  }
}

/** The connection closed or failed before the reply arrived. */
export class BeanstalkdConnectionError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'BeanstalkdConnectionError';
  }
}

export interface BeanstalkdJob {
  id: string;
  body: Buffer;
}

export type PutOutcome = { state: 'inserted'; id: string } | { state: 'buried'; id: string };

export interface ConnectOptions {
  host: string;
  port: number;
  /** For the connection attempt only (default 10 s). */
  connectTimeoutMs?: number;
}

interface Pending {
  command: string;
  /** Replies that carry a body of <bytes> after the first line. */
  bodyReplies: readonly string[];
  resolve: (reply: Reply) => void;
  reject: (error: Error) => void;
}

interface Reply {
  words: string[];
  body?: Buffer;
}

const CRLF = Buffer.from('\r\n');
/** Tube names: 1-200 bytes of letters, digits and - + / ; . $ _ ( ), not starting with "-". */
const TUBE_NAME = /^[A-Za-z0-9+/;.$_()][A-Za-z0-9+/;.$_()-]{0,199}$/;

/** A sentence saying why `name` is not a legal tube name, or undefined when it is. */
export function validateTubeName(name: string): string | undefined {
  if (name.length === 0) {
    return 'A tube name cannot be empty.';
  }
  if (Buffer.byteLength(name) > 200) {
    return `A tube name can have at most 200 bytes; this one has ${Buffer.byteLength(name)}.`;
  }
  if (name.startsWith('-')) {
    return 'A tube name cannot start with "-".';
  }
  if (!TUBE_NAME.test(name)) {
    const bad = [...new Set([...name].filter((ch) => !/[A-Za-z0-9+/;.$_()-]/.test(ch)))];
    return `A tube name may contain only letters, digits and - + / ; . $ _ ( ); found ${bad.map((c) => (c === ' ' ? 'space' : `"${c}"`)).join(', ')}.`;
  }
  return undefined;
}

export class BeanstalkdConnection {
  private buffer: Buffer = Buffer.alloc(0);
  private readonly pending: Pending[] = [];
  private closedError: Error | undefined;

  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => this.fail(new BeanstalkdConnectionError(error.message, error.code)));
    socket.on('close', () => this.fail(new BeanstalkdConnectionError('the connection to beanstalkd closed')));
  }

  static connect(options: ConnectOptions): Promise<BeanstalkdConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: options.host, port: options.port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new BeanstalkdConnectionError(`no answer from ${options.host}:${options.port} within ${options.connectTimeoutMs ?? 10_000} ms`, 'ETIMEDOUT'));
      }, options.connectTimeoutMs ?? 10_000);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new BeanstalkdConnection(socket));
      });
      socket.once('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new BeanstalkdConnectionError(error.message, error.code));
      });
    });
  }

  get closed(): boolean {
    return this.closedError !== undefined;
  }

  /** Bytes received but not (yet) parsed as a reply: what a non-beanstalkd server sent without CRLF. */
  get unparsedInput(): Buffer {
    return this.buffer;
  }

  /** Closes the connection; pending commands fail. Safe to call twice. */
  close(): void {
    this.socket.destroy();
    this.fail(new BeanstalkdConnectionError('the connection to beanstalkd was closed'));
  }

  private fail(error: Error): void {
    this.closedError ??= error;
    for (const p of this.pending.splice(0)) {
      p.reject(this.closedError);
    }
  }

  private send(line: string, bodyReplies: readonly string[] = [], data?: Uint8Array): Promise<Reply> {
    if (this.closedError) {
      return Promise.reject(this.closedError);
    }
    const command = line.split(' ')[0];
    return new Promise<Reply>((resolve, reject) => {
      this.pending.push({ command, bodyReplies, resolve, reject });
      const head = Buffer.from(`${line}\r\n`, 'utf8');
      this.socket.write(data === undefined ? head : Buffer.concat([head, data, CRLF]));
    });
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const pending = this.pending[0];
      const end = this.buffer.indexOf(CRLF);
      if (!pending || end < 0) {
        return;
      }
      const words = this.buffer.subarray(0, end).toString('latin1').split(' ');
      let consumed = end + 2;
      let body: Buffer | undefined;
      if (pending.bodyReplies.includes(words[0])) {
        const size = Number(words[words.length - 1]);
        if (this.buffer.length < consumed + size + 2) {
          return; // the body has not fully arrived
        }
        body = Buffer.from(this.buffer.subarray(consumed, consumed + size));
        consumed += size + 2;
      }
      this.buffer = this.buffer.subarray(consumed);
      this.pending.shift();
      pending.resolve({ words, body });
    }
  }

  private async expect(line: string, ok: string, bodyReplies: readonly string[] = [], data?: Uint8Array): Promise<Reply> {
    const reply = await this.send(line, bodyReplies, data);
    if (reply.words[0] !== ok) {
      throw new BeanstalkdReplyError(line.split(' ')[0], reply.words.join(' '));
    }
    return reply;
  }

  private async yaml(line: string): Promise<string> {
    const reply = await this.expect(line, 'OK', ['OK']);
    return reply.body?.toString('utf8') ?? '';
  }

  /** Puts a job into the tube in use. The body is sent byte for byte. */
  async put(body: Uint8Array, options: { priority: number; delaySeconds: number; ttrSeconds: number }): Promise<PutOutcome> {
    const reply = await this.send(`put ${options.priority} ${options.delaySeconds} ${options.ttrSeconds} ${body.length}`, [], body);
    if (reply.words[0] === 'INSERTED') {
      return { state: 'inserted', id: reply.words[1] };
    }
    if (reply.words[0] === 'BURIED') {
      return { state: 'buried', id: reply.words[1] };
    }
    throw new BeanstalkdReplyError('put', reply.words.join(' '));
  }

  async use(tube: string): Promise<void> {
    await this.expect(`use ${tube}`, 'USING');
  }

  /** Watches a tube; returns how many tubes are watched. */
  async watch(tube: string): Promise<number> {
    return Number((await this.expect(`watch ${tube}`, 'WATCHING')).words[1]);
  }

  /** Stops watching a tube; refused (NOT_IGNORED) when it is the last one watched. */
  async ignore(tube: string): Promise<number> {
    return Number((await this.expect(`ignore ${tube}`, 'WATCHING')).words[1]);
  }

  /** Reserves a job from the watched tubes, waiting up to `timeoutSeconds`; undefined when none came. */
  async reserve(timeoutSeconds: number): Promise<BeanstalkdJob | undefined> {
    const reply = await this.send(`reserve-with-timeout ${timeoutSeconds}`, ['RESERVED']);
    if (reply.words[0] === 'TIMED_OUT') {
      return undefined;
    }
    if (reply.words[0] !== 'RESERVED') {
      throw new BeanstalkdReplyError('reserve-with-timeout', reply.words.join(' '));
    }
    return { id: reply.words[1], body: reply.body ?? Buffer.alloc(0) };
  }

  async delete(id: string): Promise<void> {
    await this.expect(`delete ${id}`, 'DELETED');
  }

  async release(id: string, priority: number, delaySeconds: number): Promise<void> {
    await this.expect(`release ${id} ${priority} ${delaySeconds}`, 'RELEASED');
  }

  async bury(id: string, priority: number): Promise<void> {
    await this.expect(`bury ${id} ${priority}`, 'BURIED');
  }

  /** Peeks without reserving: a job by id, or the next ready, delayed or buried job of the tube in use. */
  async peek(which: { id: string } | 'ready' | 'delayed' | 'buried'): Promise<BeanstalkdJob | undefined> {
    const line = typeof which === 'object' ? `peek ${which.id}` : `peek-${which}`;
    const reply = await this.send(line, ['FOUND']);
    if (reply.words[0] === 'NOT_FOUND') {
      return undefined;
    }
    if (reply.words[0] !== 'FOUND') {
      throw new BeanstalkdReplyError(line.split(' ')[0], reply.words.join(' '));
    }
    return { id: reply.words[1], body: reply.body ?? Buffer.alloc(0) };
  }

  /** Kicks up to `bound` buried (or, when none are buried, delayed) jobs of the tube in use; returns how many. */
  async kick(bound: number): Promise<number> {
    return Number((await this.expect(`kick ${bound}`, 'KICKED')).words[1]);
  }

  async kickJob(id: string): Promise<void> {
    await this.expect(`kick-job ${id}`, 'KICKED');
  }

  async pauseTube(tube: string, seconds: number): Promise<void> {
    await this.expect(`pause-tube ${tube} ${seconds}`, 'PAUSED');
  }

  async stats(): Promise<Record<string, string>> {
    return parseYamlMap(await this.yaml('stats'));
  }

  async statsTube(tube: string): Promise<Record<string, string>> {
    return parseYamlMap(await this.yaml(`stats-tube ${tube}`));
  }

  async statsJob(id: string): Promise<Record<string, string>> {
    return parseYamlMap(await this.yaml(`stats-job ${id}`));
  }

  async listTubes(): Promise<string[]> {
    return parseYamlList(await this.yaml('list-tubes'));
  }

  async listTubesWatched(): Promise<string[]> {
    return parseYamlList(await this.yaml('list-tubes-watched'));
  }
}
