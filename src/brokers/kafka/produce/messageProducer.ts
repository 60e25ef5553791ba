/**
 * What KafkaClusterClient.produce does, apart from the client's connections: messages with their
 * partition go as one record batch per partition through a raw sender (bulkProducer.ts), which
 * retries only what was not written and writes any header list exactly; idempotent sends and
 * messages without a partition go through kafkajs' producer, their failures sorted into certainly
 * refused or unknown (produceOutcome.ts). Not bounded by an outer timeout: no retry may outlive the call.
 */
import type { Producer } from 'kafkajs';
import type { Logger, OutgoingMessage, ProduceOptions, ProduceResult } from '../../../core/brokerClient';
import type { KafkaBulkProducer } from './bulkProducer';
import { type SizeLimit, explainTooLarge, sizeOf } from './messageSize';
import { describeFailure, produceIdempotent, produceRecordBatches, produceWithoutRetries } from './produceOutcome';
import { produceInOrder, toKafkajsMessage } from './produceMessages';

/** What the producer borrows from its client. */
export interface MessageProducerHooks {
  logger(): Logger;
  servers(): readonly string[];
  connectedProducer(idempotent: boolean): Promise<Producer>;
  partitionCount(topic: string): Promise<number>;
  bulkProducer(topic: string, options: ProduceOptions): KafkaBulkProducer;
  maxMessageBytes(topic: string): Promise<SizeLimit | undefined>;
}

export class KafkaMessageProducer {
  /** The raw senders, by topic and options, kept for the client's life (it closes them on dispose). */
  private readonly rawSenders = new Map<string, KafkaBulkProducer>();

  constructor(private readonly hooks: MessageProducerHooks) {}

  /**
   * Results when acknowledged; a DeliveryUnknownError when a request was written but not answered
   * (the messages may be on the broker); any other error when they were certainly not written.
   */
  produce(topic: string, messages: OutgoingMessage[], options: ProduceOptions): Promise<ProduceResult[]> {
    const operation = `Producing to "${topic}"`;
    // A size refusal from kafkajs' producer gets the numbers (the record-batch path words its own).
    const explain = async (error: unknown): Promise<never> => {
      throw (await explainTooLarge(error, operation, topic, sizeOf(messages), () => this.hooks.maxMessageBytes(topic))) ?? error;
    };
    const describe = describeFailure(this.hooks.logger(), operation, this.hooks.servers());
    if (options.idempotent) {
      return produceIdempotent(topic, messages, options, () => this.hooks.connectedProducer(true), describe).catch(explain);
    }
    if (messages.every((m) => m.partition !== undefined)) {
      return produceRecordBatches(topic, messages, this.rawSender(topic, options));
    }
    if (messages.some((m) => toKafkajsMessage(m) === undefined)) {
      // Headers kafkajs' producer cannot write as they are (produceMessages.ts): our own record batches.
      return produceInOrder(topic, messages, {
        partitionCount: () => this.hooks.partitionCount(topic),
        sender: () => this.hooks.bulkProducer(topic, options),
      });
    }
    return produceWithoutRetries(topic, messages, options, () => this.hooks.connectedProducer(false), describe).catch(explain);
  }

  /** Closes the raw senders (after a connection failure, so the next produce starts clean). */
  dropSenders(): void {
    for (const sender of this.rawSenders.values()) {
      void sender.close();
    }
    this.rawSenders.clear();
  }

  private rawSender(topic: string, options: ProduceOptions): KafkaBulkProducer {
    const id = `${topic}\u0000${options.acks ?? -1}\u0000${options.compression ?? 'none'}`;
    let sender = this.rawSenders.get(id);
    if (!sender) {
      sender = this.hooks.bulkProducer(topic, { acks: options.acks, compression: options.compression });
      this.rawSenders.set(id, sender);
    }
    return sender;
  }
}
