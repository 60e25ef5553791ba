/**
 * Request/reply over Kafka: many requests in flight, ONE consumer on the reply topic. Each
 * request registers a pending entry under its correlation id (bytes) before it is sent; the reply
 * consumer settles the entry whose id matches, so concurrent conversations never cross.
 */
import { type ConversationTransport, type RawRecord, type RecordStream, headerValue } from '../core/conversationTransport';
import type { Logger } from '../core/brokerClient';
import { type HeaderConvention, correlationKey, newCorrelationId, requestHeaders } from './conventions';

/** Prefix of the reply consumer's throwaway group. */
export const REPLY_GROUP_PREFIX = 'mq-explorer-reply-';

export interface ConversationRequest {
  topic: string;
  key?: string | null;
  value: string;
  /** Extra headers besides the convention's. */
  headers?: Record<string, string>;
  /** The id to send; a fresh one in the convention's encoding when omitted. */
  correlationId?: Buffer;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface RoundTrip {
  correlationId: Buffer;
  /** The request's timestamp as sent (our clock). */
  requestTimestamp: number;
  reply: RawRecord;
  /** Reply timestamp − request timestamp: the time the conversation took as recorded on the topics. */
  roundTripMs: number;
  /** How long this call waited, on our clock (includes the reply consumer catching up). */
  waitedMs: number;
}

/** Thrown when no reply arrived in time. */
export class ReplyTimeout extends Error {
  constructor(
    readonly timeoutMs: number,
    replyTopic: string,
  ) {
    super(`No reply arrived on "${replyTopic}" within ${timeoutMs} ms. Is a responder listening on the request topic?`);
    this.name = 'ReplyTimeout';
  }
}

/** Thrown when the caller cancelled the wait. */
export class RequestCancelled extends Error {
  constructor() {
    super('The request was cancelled while waiting for its reply.');
    this.name = 'RequestCancelled';
  }
}

interface Pending {
  resolve(record: RawRecord): void;
  reject(error: Error): void;
}

export class RequestReplyCorrelator {
  private readonly pending = new Map<string, Pending>();
  private stream: Promise<RecordStream> | undefined;
  private stopped = false;

  constructor(
    private readonly transport: ConversationTransport,
    readonly replyTopic: string,
    private readonly convention: HeaderConvention,
    private readonly logger: Logger,
  ) {}

  /** Requests waiting for their reply. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** Starts the reply consumer (once); later calls reuse it. */
  start(): Promise<RecordStream> {
    if (this.stopped) {
      return Promise.reject(new Error('This request/reply channel was closed.'));
    }
    if (!this.stream) {
      const started = this.transport.listen([this.replyTopic], (record) => this.onReply(record), {
        groupPrefix: REPLY_GROUP_PREFIX,
        onError: (error) => {
          // The consumer is gone: the next request starts a new one.
          this.stream = undefined;
          this.failAll(error);
        },
      });
      this.stream = started;
      started.catch(() => {
        if (this.stream === started) {
          this.stream = undefined;
        }
      });
    }
    return this.stream;
  }

  /** Sends one request and resolves with its reply, or rejects with ReplyTimeout / RequestCancelled. */
  async request(request: ConversationRequest): Promise<RoundTrip> {
    await this.start();
    const correlationId = request.correlationId ?? newCorrelationId(this.convention.idEncoding);
    const key = correlationKey(correlationId);
    if (this.pending.has(key)) {
      throw new Error(`A request with correlation id ${key} is already waiting for its reply.`);
    }
    const started = Date.now();
    // Registered before sending: a fast responder may answer before send() resolves.
    const replied = this.waitFor(key, request.timeoutMs, request.signal);
    try {
      await this.transport.send(request.topic, [
        {
          key: request.key ?? null,
          value: request.value,
          headers: { ...request.headers, ...requestHeaders(this.convention, correlationId, this.replyTopic) },
          timestamp: started,
        },
      ]);
    } catch (error) {
      this.settle(key)?.reject(error instanceof Error ? error : new Error(String(error)));
    }
    const reply = await replied;
    return {
      correlationId,
      requestTimestamp: started,
      reply,
      roundTripMs: reply.timestamp - started,
      waitedMs: Date.now() - started,
    };
  }

  /** Stops the reply consumer (deleting its group) and fails whatever still waits. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.failAll(new RequestCancelled());
    const stream = await this.stream?.catch(() => undefined);
    this.stream = undefined;
    await stream?.stop();
  }

  private waitFor(key: string, timeoutMs: number, signal: AbortSignal | undefined): Promise<RawRecord> {
    return new Promise<RawRecord>((resolve, reject) => {
      if (signal?.aborted) {
        reject(new RequestCancelled());
        return;
      }
      const timer = setTimeout(() => this.settle(key)?.reject(new ReplyTimeout(timeoutMs, this.replyTopic)), timeoutMs);
      const onAbort = () => this.settle(key)?.reject(new RequestCancelled());
      signal?.addEventListener('abort', onAbort, { once: true });
      const cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      this.pending.set(key, {
        resolve: (record) => {
          cleanup();
          resolve(record);
        },
        reject: (error) => {
          cleanup();
          reject(error);
        },
      });
    });
  }

  /** Removes and returns the pending entry, so each request settles exactly once. */
  private settle(key: string): Pending | undefined {
    const entry = this.pending.get(key);
    this.pending.delete(key);
    return entry;
  }

  private onReply(record: RawRecord): void {
    const id = headerValue(record.headers, this.convention.correlationHeader);
    if (!id) {
      return;
    }
    const entry = this.settle(correlationKey(id));
    if (entry) {
      entry.resolve(record);
    } else {
      // Someone else's reply, or one that came after its request timed out.
      this.logger.debug(`Reply on ${this.replyTopic} at ${record.partition}/${record.offset} matches no waiting request`);
    }
  }

  private failAll(error: Error): void {
    for (const key of [...this.pending.keys()]) {
      this.settle(key)?.reject(error);
    }
  }
}
