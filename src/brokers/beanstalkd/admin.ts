/**
 * What the explorer and the put command need from one beanstalkd server, as typed numbers and
 * worded errors: server, tube and job stats, peeks (bodies as exact bytes), kicks, delete, pause and
 * put. Two connections: one for commands that name their tube or job, and one whose `use`d tube
 * matters (peek-ready/delayed/buried, kick, put), where every `use` + command pair runs alone so a
 * peek of one tube never sees another tube's `use`. Nothing here imports `vscode`.
 */
import { BrokerTimeoutError } from '../../core/errors';
import { withTimeout } from '../../core/timeout';
import { type BeanstalkdAddress, formatBeanstalkdAddress, parseBeanstalkdAddress } from './address';
import { BeanstalkdError, connectionErrorFor, type ReplyContext, replyErrorFor } from './errors';
import { connectIdentified } from './identify';
import { type BeanstalkdConnection, type BeanstalkdJob, BeanstalkdReplyError, type PutOutcome, validateTubeName } from './protocol';
import { filterTubeNames, type JobStats, parseJobStats, parseServerStats, parseTubeStats, type ServerStats, type TubeStats } from './stats';

export interface BeanstalkdAdminOptions {
  /** For each TCP connection, DNS included (default 10 s). */
  connectTimeoutMs?: number;
  /** For each command, and for the first answer that proves the peer is beanstalkd (default 10 s). */
  requestTimeoutMs?: number;
}

export interface PutOptions {
  /** 0 (most urgent) to 4294967295; below 1024 counts as urgent. */
  priority: number;
  delaySeconds: number;
  /** Seconds a worker may hold the job before beanstalkd releases it again (beanstalkd raises 0 to 1). */
  ttrSeconds: number;
}

export type PeekState = 'ready' | 'delayed' | 'buried';

const MAX_U32 = 4_294_967_295;

export class BeanstalkdAdmin {
  private tubeLock: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    readonly address: BeanstalkdAddress,
    private readonly control: BeanstalkdConnection,
    private readonly tubeConnection: BeanstalkdConnection,
    private lastServerStats: ServerStats,
    private readonly requestTimeoutMs: number,
  ) {}

  /** Connects to "host:port" (port 11300 when left out) and checks that it is beanstalkd. */
  static async connect(addressText: string, options: BeanstalkdAdminOptions = {}): Promise<BeanstalkdAdmin> {
    const address = parseBeanstalkdAddress(addressText);
    const timeouts = { connectTimeoutMs: options.connectTimeoutMs ?? 10_000, answerTimeoutMs: options.requestTimeoutMs ?? 10_000 };
    const { connection: control, stats } = await connectIdentified(address, timeouts);
    try {
      const { connection: tubeConnection } = await connectIdentified(address, timeouts);
      return new BeanstalkdAdmin(address, control, tubeConnection, stats, timeouts.answerTimeoutMs);
    } catch (error) {
      control.close();
      throw error;
    }
  }

  get addressText(): string {
    return formatBeanstalkdAddress(this.address);
  }

  /** The server's version as of the last server stats. */
  get version(): string {
    return this.lastServerStats.version;
  }

  /** The largest job body the server accepts, in bytes (beanstalkd's -z). */
  get maxJobSize(): number {
    return this.lastServerStats.maxJobSize;
  }

  close(): void {
    this.closed = true;
    this.control.close();
    this.tubeConnection.close();
  }

  async serverStats(): Promise<ServerStats> {
    const stats = parseServerStats(await this.call('stats', {}, () => this.control.stats()));
    this.lastServerStats = stats;
    return stats;
  }

  /** Every tube's stats, sorted by name; `filter` keeps names matching a substring or a glob (* and ?). */
  async tubes(filter = ''): Promise<TubeStats[]> {
    const names = filterTubeNames(await this.call('list-tubes', {}, () => this.control.listTubes()), filter).sort();
    // Pipelined; a tube can disappear between the list and its stats (no jobs, no clients left).
    const all = await this.call('stats-tube', {}, () =>
      Promise.all(
        names.map((name) =>
          this.control.statsTube(name).catch((error: unknown) => {
            if (isNotFound(error)) {
              return undefined;
            }
            throw error;
          }),
        ),
      ),
    );
    return all.filter((raw): raw is Record<string, string> => raw !== undefined).map(parseTubeStats);
  }

  async tubeStats(tube: string): Promise<TubeStats> {
    checkTube(tube);
    return parseTubeStats(await this.call('stats-tube', { tube }, () => this.control.statsTube(tube)));
  }

  async jobStats(id: string): Promise<JobStats> {
    checkJobId(id);
    return parseJobStats(await this.call('stats-job', { jobId: id }, () => this.control.statsJob(id)));
  }

  /** The next ready, delayed or buried job of a tube without reserving it; undefined when there is none. */
  async peek(tube: string, state: PeekState): Promise<BeanstalkdJob | undefined> {
    return this.inTube(tube, `peek-${state}`, {}, (c) => c.peek(state));
  }

  /** A job by id with its exact body bytes; a worded NOT_FOUND error when it does not exist. */
  async peekJob(id: string): Promise<BeanstalkdJob> {
    checkJobId(id);
    const job = await this.call('peek', { jobId: id }, () => this.control.peek({ id }));
    if (!job) {
      throw replyErrorFor(new BeanstalkdReplyError('peek', 'NOT_FOUND'), { address: this.addressText, jobId: id });
    }
    return job;
  }

  /** Kicks up to `bound` buried jobs of the tube, or delayed ones when none is buried; returns how many moved to ready. */
  async kick(tube: string, bound: number): Promise<number> {
    checkWhole(bound, 'The number of jobs to kick', 1);
    return this.inTube(tube, 'kick', {}, (c) => c.kick(bound));
  }

  /** Moves one buried or delayed job to ready. */
  async kickJob(id: string): Promise<void> {
    checkJobId(id);
    await this.call('kick-job', { jobId: id }, () => this.control.kickJob(id));
  }

  /** Deletes a ready, delayed or buried job (a job reserved by another worker is NOT_FOUND). */
  async deleteJob(id: string): Promise<void> {
    checkJobId(id);
    await this.call('delete', { jobId: id }, () => this.control.delete(id));
  }

  /** Stops reserves from the tube for `seconds` (0 resumes it). */
  async pauseTube(tube: string, seconds: number): Promise<void> {
    checkTube(tube);
    checkWhole(seconds, 'The pause in seconds', 0);
    await this.call('pause-tube', { tube }, () => this.control.pauseTube(tube, seconds));
  }

  /** Puts a job into `tube` byte for byte; says its id and whether it was inserted or buried (server out of memory for its heap). */
  async put(tube: string, body: Uint8Array, options: PutOptions): Promise<PutOutcome> {
    checkWhole(options.priority, 'The priority', 0);
    checkWhole(options.delaySeconds, 'The delay in seconds', 0);
    checkWhole(options.ttrSeconds, 'The time to run in seconds', 0);
    return this.inTube(tube, 'put', { bodySize: body.length, maxJobSize: this.lastServerStats.maxJobSize }, (c) => c.put(body, options));
  }

  /** `use tube`, `work`, `use default` on the tube connection, one at a time. */
  private inTube<T>(tube: string, operation: string, context: Omit<ReplyContext, 'address'>, work: (c: BeanstalkdConnection) => Promise<T>): Promise<T> {
    checkTube(tube);
    const run = this.tubeLock.then(() =>
      this.call(operation, { ...context, tube }, async () => {
        await this.tubeConnection.use(tube);
        try {
          return await work(this.tubeConnection);
        } finally {
          // Back to "default", so the explorer never keeps a tube alive or counts as its producer.
          await this.tubeConnection.use('default').catch(() => undefined);
        }
      }),
    );
    this.tubeLock = run.catch(() => undefined);
    return run;
  }

  /** Runs a command within the request timeout and words its failure. */
  private async call<T>(operation: string, context: Omit<ReplyContext, 'address'>, work: () => Promise<T>): Promise<T> {
    if (this.closed) {
      throw new BeanstalkdError('connection-lost', `The connection to beanstalkd at ${this.addressText} is closed. Connect again.`);
    }
    try {
      return await withTimeout(work(), this.requestTimeoutMs, operation);
    } catch (error) {
      if (error instanceof BeanstalkdReplyError) {
        throw replyErrorFor(error, { ...context, address: this.addressText });
      }
      if (error instanceof BrokerTimeoutError) {
        // A late reply would be taken for the next command's: this connection cannot be trusted any more.
        this.close();
        throw new BeanstalkdError(
          'timeout',
          `beanstalkd at ${this.addressText} did not answer ${operation} within ${(this.requestTimeoutMs / 1000).toFixed(1)} s, so the connection was closed. Connect again.`,
          error,
        );
      }
      throw connectionErrorFor(error, this.address);
    }
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof BeanstalkdReplyError && error.reply === 'NOT_FOUND';
}

function checkTube(tube: string): void {
  const problem = validateTubeName(tube);
  if (problem) {
    throw new BeanstalkdError('invalid-argument', problem);
  }
}

function checkJobId(id: string): void {
  if (!/^\d{1,20}$/.test(id) || BigInt(id) === 0n || BigInt(id) > 18_446_744_073_709_551_615n) {
    throw new BeanstalkdError('invalid-argument', `"${id}" is not a job id: beanstalkd's job ids are whole numbers from 1.`);
  }
}

function checkWhole(value: number, what: string, min: number): void {
  if (!Number.isInteger(value) || value < min || value > MAX_U32) {
    throw new BeanstalkdError('invalid-argument', `${what} must be a whole number from ${min} to ${MAX_U32}; it is ${value}.`);
  }
}
