/**
 * Byte-level messaging for conversations (request/reply, responders, traces). Kept apart from
 * BrokerClient's text-oriented produce and tail because correlation ids may be binary (Spring
 * Kafka sends a 16-byte UUID). Nothing here imports `vscode`. Offered as the `conversations`
 * capability (brokerCapabilities.ts), whose declaration marks `send` as the write.
 */

/** One header as bytes; `value` null for a header without a value (not the same as an empty one). */
export interface RawHeader {
  name: string;
  value: Buffer | null;
}

/** The first value of a header as bytes; undefined when the name is absent or its first value is null. */
export function headerValue(headers: readonly RawHeader[], name: string): Buffer | undefined {
  return headers.find((h) => h.name === name)?.value ?? undefined;
}
/** One message as read from a topic, with raw bytes everywhere. */
export interface RawRecord {
  topic: string;
  partition: number;
  offset: string;
  /** Milliseconds since epoch, as the broker stored it. */
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  /** Every header in the record's order (a name may repeat, a value may be null). */
  headers: RawHeader[];
}

/** One message to send; strings are sent as UTF-8. */
export interface RawOutgoing {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Record<string, Buffer | string>;
  /** Milliseconds since epoch; the producer's clock when omitted. */
  timestamp?: number;
}

/** A running consumer started by `listen`. */
export interface RecordStream {
  /** The throwaway consumer group, deleted on stop. */
  readonly groupId: string;
  /** Disconnects and deletes the group; safe to call twice. */
  stop(): Promise<void>;
}

export interface ListenOptions {
  /** Prefix of the throwaway group id (a UUID follows), so leftovers are recognisable. */
  groupPrefix: string;
  /** Called when the consumer fails for good (it is then stopped). */
  onError?: (error: Error) => void;
}

export interface WindowRead {
  records: RawRecord[];
  /** False when the read stopped early (deadline or record cap) before reaching every partition's end. */
  complete: boolean;
}

export interface ConversationTransport {
  send(topic: string, messages: RawOutgoing[]): Promise<void>;
  /**
   * Consumes what arrives on `topics` after the call (positions are read before it returns, so a
   * message produced right after is never missed) with a throwaway group that commits nothing.
   * `onRecord` runs once per message, in order per partition.
   */
  listen(topics: string[], onRecord: (record: RawRecord) => void, options: ListenOptions): Promise<RecordStream>;
  /**
   * Every message of `topics` whose timestamp lies in [fromTime, toTime], from the offsets for
   * `fromTime` up to each partition's end at the time of the call; bounded by `maxRecords` and `timeoutMs`.
   */
  readWindow(
    topics: string[],
    fromTime: number,
    toTime: number,
    limits: { maxRecords: number; timeoutMs: number },
  ): Promise<WindowRead>;
}
