/**
 * Thin wrappers around the `kcat` binary (Debian package `kcat`, librdkafka based), an
 * independent Kafka client used to cross-check what the extension produces and consumes.
 * kcat is spawned directly (no shell), so topic names and values need no quoting.
 */
import { spawn } from 'node:child_process';

/**
 * A message to produce. `partition` omitted: kcat's (librdkafka's) partitioner decides. Key and
 * value may be bytes (sent through stdin as they are). Headers as a list keep their order and may
 * repeat a name; a null value is sent as `-H name` (a header without a value); a Buffer value is
 * passed to kcat as raw bytes (not UTF-8).
 */
export interface KcatMessage {
  key?: string | Buffer;
  value: string | Buffer;
  headers?: Record<string, string> | KcatHeader[];
  partition?: number;
}

export type KcatHeader = [name: string, value: string | Buffer | null];

export interface KcatProduceOptions {
  /** kcat -z codec: none, gzip, snappy, lz4 or zstd. */
  compression?: string;
  /** Per-message delivery timeout (librdkafka message.timeout.ms). Default 30 s. */
  timeoutMs?: number;
}

export interface KcatConsumeOptions {
  /** Stop after this many messages (kcat -c). */
  count: number;
  /** Give up (and reject) after this long. Default 30 s. */
  timeoutMs?: number;
  /** Where to start. Default 'beginning'. */
  offset?: 'beginning' | 'end';
  /**
   * Exit once every partition is at its end (kcat -e), even with fewer than `count` messages.
   * Default false: wait for `count` messages (up to the timeout). -e proved unreliable right
   * after a topic is created (a partition whose metadata kcat has not seen yet is skipped), so
   * tests that know how many messages to expect wait for them instead.
   */
  exitAtEnd?: boolean;
}

export interface KcatRecord {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  /** Duplicate header names: the last one wins. */
  headers: Record<string, string>;
  timestampMs: number;
}

// Control characters instead of newline/tab so values may hold any ordinary text.
const KEY_DELIMITER = '\x1f';
const MESSAGE_DELIMITER = '\x1e';
const DEFAULT_TIMEOUT_MS = 30_000;

interface KcatResult {
  stdout: string;
  stderr: string;
}

/** Runs kcat with a hard deadline; rejects with its stderr on failure or timeout. */
function runKcat(args: KcatArg[], timeoutMs: number, input?: string | Buffer, stdoutEncoding: BufferEncoding = 'utf8'): Promise<KcatResult> {
  return new Promise<KcatResult>((resolve, reject) => {
    const child = spawnKcat(args);
    // Decoded once at the end: a chunk may end inside a multibyte UTF-8 character.
    const stdoutChunks: Buffer[] = [];
    const stderrChunks: Buffer[] = [];
    let timedOut = false;
    child.stdout.on('data', (c: Buffer) => stdoutChunks.push(c));
    child.stderr.on('data', (c: Buffer) => stderrChunks.push(c));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot run kcat (is the Debian package installed?): ${err.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(stdoutChunks).toString(stdoutEncoding);
      const stderr = Buffer.concat(stderrChunks).toString('utf8');
      if (timedOut) {
        const err = new Error(`kcat ${argsText(args)} timed out after ${timeoutMs} ms\nstderr:\n${stderr.trim()}`);
        reject(Object.assign(err, { stdout }));
      } else if (code !== 0) {
        reject(
          new Error(`kcat ${argsText(args)} failed (${signal ?? `exit ${String(code)}`})\nstderr:\n${stderr.trim()}`),
        );
      } else {
        resolve({ stdout, stderr });
      }
    });
    // kcat may exit before reading everything (e.g. bad broker); that is reported via 'close'.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}

/** An argument, or one whose tail is raw bytes (a header value that is not UTF-8). */
type KcatArg = string | { text: string; bytes: Buffer };

/**
 * Node passes arguments as UTF-8, so an argument holding other bytes goes through `sh`, whose
 * printf writes them from octal escapes (digits only, nothing for the shell to interpret).
 */
function argsText(args: KcatArg[]): string {
  return args.map((a) => (typeof a === 'string' ? a : `${a.text}<${a.bytes.toString('hex')}>`)).join(' ');
}

function spawnKcat(args: KcatArg[]) {
  if (args.every((a) => typeof a === 'string')) {
    return spawn('kcat', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  }
  const words = args.map((a, i) => (typeof a === 'string' ? `"$${i + 1}"` : `"$${i + 1}$(printf '${[...a.bytes].map((b) => `\\${b.toString(8).padStart(3, '0')}`).join('')}')"`));
  const script = `exec kcat ${words.map((w) => w.replace(/\$(\d+)/g, (_m, n: string) => `\${${n}}`)).join(' ')}`;
  return spawn('sh', ['-c', script, 'kcat', ...args.map((a) => (typeof a === 'string' ? a : a.text))], { stdio: ['pipe', 'pipe', 'pipe'] });
}

function headerList(headers: KcatMessage['headers']): KcatHeader[] {
  return Array.isArray(headers) ? headers : Object.entries(headers ?? {});
}

function headersKey(headers: KcatMessage['headers']): string {
  return JSON.stringify(headerList(headers).map(([n, v]) => [n, Buffer.isBuffer(v) ? v.toString('hex') : v]));
}

function validate(message: KcatMessage, index: number): void {
  for (const [what, text] of [
    ['key', message.key ?? ''],
    ['value', message.value],
  ] as const) {
    if (text.includes(KEY_DELIMITER) || text.includes(MESSAGE_DELIMITER)) {
      throw new Error(`message ${index}: ${what} contains \\x1e or \\x1f, which kcatProduce uses as delimiters`);
    }
  }
  // kcat drops empty input records, so an empty value is only representable with a key.
  if (message.key === undefined && message.value.length === 0) {
    throw new Error(`message ${index}: kcat cannot produce an empty value without a key`);
  }
}

/**
 * Produces messages with kcat, in order, waiting for delivery (kcat exits non-zero if any
 * message fails). kcat's -H and -p apply to a whole invocation, so consecutive messages
 * with the same headers, partition and key presence share one kcat call; any change starts
 * a new call. Keys and values must not contain \x1e or \x1f (used as delimiters).
 */
export async function kcatProduce(
  bootstrap: string,
  topic: string,
  messages: KcatMessage[],
  opts: KcatProduceOptions = {},
): Promise<void> {
  messages.forEach(validate);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const batches: KcatMessage[][] = [];
  for (const message of messages) {
    const last = batches[batches.length - 1];
    const head = last?.[0];
    if (
      head &&
      headersKey(head.headers) === headersKey(message.headers) &&
      head.partition === message.partition &&
      (head.key === undefined) === (message.key === undefined)
    ) {
      last.push(message);
    } else {
      batches.push([message]);
    }
  }
  for (const batch of batches) {
    const head = batch[0];
    const args: KcatArg[] = ['-b', bootstrap, '-P', '-t', topic, '-D', MESSAGE_DELIMITER];
    args.push('-X', `message.timeout.ms=${timeoutMs}`);
    if (head.key !== undefined) {
      args.push('-K', KEY_DELIMITER);
    }
    if (head.partition !== undefined) {
      args.push('-p', String(head.partition));
    }
    if (opts.compression) {
      args.push('-z', opts.compression);
    }
    for (const [name, value] of headerList(head.headers)) {
      // `-H name` without "=" is a header without a value (null).
      args.push('-H', value === null ? name : Buffer.isBuffer(value) ? { text: `${name}=`, bytes: value } : `${name}=${value}`);
    }
    const input = Buffer.concat(
      batch.flatMap((m) => [
        ...(m.key !== undefined ? [Buffer.from(m.key), Buffer.from(KEY_DELIMITER)] : []),
        Buffer.from(m.value),
        Buffer.from(MESSAGE_DELIMITER),
      ]),
    );
    await runKcat(args, timeoutMs + 10_000, input);
  }
}

interface KcatJsonMessage {
  topic: string;
  partition: number;
  offset: number;
  ts?: number;
  key?: string | null;
  payload?: string | null;
  headers?: (string | null)[];
}

function parseRecords(stdout: string): KcatRecord[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => {
      const m = JSON.parse(line) as KcatJsonMessage;
      const headers: Record<string, string> = {};
      // kcat -J prints headers as a flat [name, value, name, value, ...] array.
      const flat = m.headers ?? [];
      for (let i = 0; i + 1 < flat.length; i += 2) {
        headers[flat[i] ?? ''] = flat[i + 1] ?? '';
      }
      return {
        topic: m.topic,
        partition: m.partition,
        offset: m.offset,
        key: m.key ?? null,
        value: m.payload ?? null,
        headers,
        timestampMs: m.ts ?? -1,
      };
    });
}

/**
 * Reads up to `count` messages with kcat (no consumer group) and returns them in the order
 * kcat printed them (per-partition order; partitions interleave). Rejects on timeout with
 * the number of messages seen so far and kcat's stderr.
 */
export async function kcatConsume(
  bootstrap: string,
  topic: string,
  options: KcatConsumeOptions,
): Promise<KcatRecord[]> {
  const offset = options.offset ?? 'beginning';
  const exitAtEnd = options.exitAtEnd ?? false;
  const args = ['-b', bootstrap, '-C', '-t', topic, '-J', '-c', String(options.count), '-o', offset];
  if (exitAtEnd) {
    args.push('-e');
  }
  try {
    const { stdout } = await runKcat(args, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    return parseRecords(stdout);
  } catch (err) {
    const partial = (err as { stdout?: string }).stdout;
    if (partial !== undefined) {
      const seen = parseRecords(partial).length;
      throw new Error(`${(err as Error).message}\n(received ${seen} of ${options.count} messages)`);
    }
    throw err;
  }
}

/** Names of all topics (internal ones such as __consumer_offsets included), sorted. */
export async function kcatListTopics(bootstrap: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<string[]> {
  const { stdout } = await runKcat(['-b', bootstrap, '-L', '-J'], timeoutMs);
  const metadata = JSON.parse(stdout) as { topics?: { topic: string }[] };
  return (metadata.topics ?? []).map((t) => t.topic).sort();
}

/** One record as kcat read it, byte for byte: what the fidelity tests compare. */
export interface KcatRawRecord {
  partition: number;
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
  /** Every header in the record's order; null for a header without a value. */
  headers: [string, Buffer | null][];
  timestampMs: number;
  /** kcat's tstype: "create" or "logappend". */
  timestampType: string;
}

/**
 * Reads `count` records with `kcat -J` and keeps their exact bytes: kcat writes keys, values and
 * header values into its JSON as raw bytes (escaping only quotes, backslashes and control
 * characters), so the output is read as latin1 (one character per byte) and turned back into bytes.
 */
export async function kcatConsumeRaw(bootstrap: string, topic: string, count: number, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<KcatRawRecord[]> {
  const { stdout } = await runKcat(['-b', bootstrap, '-C', '-t', topic, '-J', '-c', String(count), '-o', 'beginning'], timeoutMs, undefined, 'latin1');
  const bytes = (text: string | null | undefined): Buffer | null => (text === null || text === undefined ? null : Buffer.from(text, 'latin1'));
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => {
      const m = JSON.parse(line) as KcatJsonMessage & { tstype?: string };
      const flat = m.headers ?? [];
      const headers: [string, Buffer | null][] = [];
      for (let i = 0; i + 1 < flat.length; i += 2) {
        headers.push([bytes(flat[i])?.toString('utf8') ?? '', bytes(flat[i + 1])]);
      }
      return { partition: m.partition, offset: m.offset, key: bytes(m.key), value: bytes(m.payload), headers, timestampMs: m.ts ?? -1, timestampType: m.tstype ?? '' };
    })
    .sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}
