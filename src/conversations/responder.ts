/**
 * A responder: listens on a request topic and answers each request on its reply-to topic with the
 * same correlation id, a body rendered from a template, an optional delay and failure rate.
 * Pure logic over a ConversationTransport, no `vscode`.
 */
import type { Logger } from '../core/brokerClient';
import { type ConversationTransport, type RawRecord, type RecordStream, headerValue } from '../core/conversationTransport';
import { TemplateContext } from '../produce/templates';
import { type HeaderConvention, formatCorrelationId, replyHeaders } from './conventions';
import { renderReply, viewOfRequest } from './replyTemplate';

/** Prefix of every responder group, so leftovers are recognisable on a cluster. */
export const RESPONDER_GROUP_PREFIX = 'mq-explorer-responder-';

export interface ResponderOptions {
  requestTopic: string;
  template: string;
  convention: HeaderConvention;
  /** Wait this long before answering (rehearses slow services). */
  delayMs?: number;
  /** Share of requests (0..1) left unanswered on purpose (rehearses timeouts). */
  failureRate?: number;
  /** Injected for tests; Math.random otherwise. */
  random?: () => number;
}

export interface ResponderStats {
  received: number;
  replied: number;
  /** Left unanswered by the failure rate. */
  dropped: number;
  /** Requests without a correlation id or reply-to header. */
  skipped: number;
  /** Replies that could not be rendered or sent. */
  errors: number;
  lastError?: string;
}

export type ResponderState = 'starting' | 'running' | 'stopped' | 'failed';

export class ResponderEngine {
  readonly stats: ResponderStats = { received: 0, replied: 0, dropped: 0, skipped: 0, errors: 0 };
  private stream: RecordStream | undefined;
  private stopping: Promise<void> | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly delays = new Set<() => void>();
  private readonly templateContext = new TemplateContext();
  private currentState: ResponderState = 'starting';

  constructor(
    private readonly transport: ConversationTransport,
    readonly options: ResponderOptions,
    private readonly logger: Logger,
    private readonly onChange: () => void = () => undefined,
  ) {
    const rate = options.failureRate ?? 0;
    if (!(rate >= 0 && rate <= 1)) {
      throw new Error('The failure rate must be between 0 and 1 (0.1 leaves one request in ten unanswered).');
    }
    if ((options.delayMs ?? 0) < 0) {
      throw new Error('The delay cannot be negative.');
    }
  }

  get state(): ResponderState {
    return this.currentState;
  }

  /** The throwaway consumer group, once started. */
  get groupId(): string | undefined {
    return this.stream?.groupId;
  }

  /** Starts consuming; requests sent from now on are answered. */
  async start(): Promise<void> {
    this.stream = await this.transport.listen([this.options.requestTopic], (record) => this.track(this.answer(record)), {
      groupPrefix: RESPONDER_GROUP_PREFIX,
      onError: (error) => {
        this.stats.lastError = error.message;
        this.setState('failed');
      },
    });
    if (this.stopping) {
      // stop() came while we were starting: do not leave the consumer behind.
      await this.stream.stop();
      return;
    }
    this.setState('running');
  }

  /** Stops consuming, cancels pending delays (those requests go unanswered), deletes the group. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    for (const wake of this.delays) {
      wake();
    }
    await this.stream?.stop();
    await Promise.allSettled([...this.inFlight]);
    this.setState('stopped');
  }

  private setState(state: ResponderState): void {
    this.currentState = state;
    this.onChange();
  }

  /** Answers concurrently, so a delay on one request does not hold back the others. */
  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async answer(record: RawRecord): Promise<void> {
    this.stats.received++;
    const { correlationHeader, replyToHeader } = this.options.convention;
    const correlationId = headerValue(record.headers, correlationHeader);
    const replyTo = headerValue(record.headers, replyToHeader)?.toString('utf8');
    if (!correlationId || !replyTo) {
      this.stats.skipped++;
      this.logger.debug(`Responder on ${record.topic}: ${record.partition}/${record.offset} has no ${correlationHeader} or ${replyToHeader}; skipped`);
      this.onChange();
      return;
    }
    if ((this.options.random ?? Math.random)() < (this.options.failureRate ?? 0)) {
      this.stats.dropped++;
      this.onChange();
      return;
    }
    try {
      if (await this.delay()) {
        return;
      }
      const value = renderReply(this.options.template, viewOfRequest(record, correlationId), this.templateContext);
      this.templateContext.next();
      await this.transport.send(replyTo, [
        { key: record.key, value, headers: replyHeaders(this.options.convention, correlationId) },
      ]);
      this.stats.replied++;
    } catch (error) {
      this.stats.errors++;
      this.stats.lastError = error instanceof Error ? error.message : String(error);
      this.logger.warn(`Responder on ${record.topic} could not answer ${formatCorrelationId(correlationId)}: ${this.stats.lastError}`);
    }
    this.onChange();
  }

  /** Waits the configured delay; true when stop() cut it short. */
  private delay(): Promise<boolean> {
    const ms = this.options.delayMs ?? 0;
    if (ms <= 0) {
      return Promise.resolve(this.stopping !== undefined);
    }
    return new Promise<boolean>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.delays.delete(wake);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.delays.delete(wake);
        resolve(false);
      }, ms);
      this.delays.add(wake);
    });
  }
}
