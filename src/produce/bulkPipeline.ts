/**
 * The bulk path for large JSONL files: the same partitioning, in-flight bound, failure isolation
 * and accounting as producePipeline (pipeline.ts), but lines go from the file's bytes straight
 * into the broker's batches (the sender's encoder: Kafka record batches) without a string, an object or a promise per line.
 * Lines the fast scanner does not take (envelopes, templates, malformed JSON…) are parsed by the
 * ordinary parser and encoded into the same batches, so both paths give the same summary.
 *
 * Batches are cut exactly where producePipeline cuts them (batchSize messages, or maxBatchBytes of
 * values and keys), and each gets the same partitions (keyless: one partition per batch, rotating;
 * keyed: murmur2; explicit: as given). Requests, though, carry more: consecutive batches of a
 * partition are written into one record batch, and one request carries every partition's, up to
 * about 1 MB per request. Fewer, larger requests are what lets the broker keep up (it handles one
 * request per connection at a time); the offsets each message gets are the same.
 *
 * Pure apart from reading the file: the sender of encoded batches is injected.
 */
import type { BulkBatchEncoder, BulkOutcome, BulkSender, EncodedHeader } from '../core/brokerCapabilities';
import type { ProduceResult } from '../core/brokerClient';
import { type HeaderInput, headerList } from '../core/message';
import { ProduceAccounting, type ProduceSummary } from './accounting';
import { headerBytes, keyBytes, partitionKey, valueBytes } from '../core/messageBytes';
import { JsonlChunkScanner, LINE_END_OF_CHUNK, LINE_FAST, openJsonl } from './bulkSource';
import { DEFAULT_MAX_BATCH_BYTES, type PipelineOptions, missingPartition } from './pipeline';
import type { ShapeOptions } from './shapes';
import type { SourceMessage } from './types';

export type { BulkBatch, BulkOutcome, BulkSender } from '../core/brokerCapabilities';

export interface BulkPipelineOptions extends Omit<PipelineOptions, 'reject'> {
  /** How lines become messages (envelope mode, templates, defaults), as for the ordinary path. */
  shape: ShapeOptions;
  /** Bytes read from the file at a time (tests use tiny chunks). */
  chunkBytes?: number;
  /** A request is sent once its record batches reach this many bytes (default 1 MB). */
  requestBytes?: number;
}

/** Default request size, about what librdkafka (kcat) sends. */
const DEFAULT_REQUEST_BYTES = 1024 * 1024;
/** Room in a request for its headers (request, topic, partitions) and the batch headers. */
const REQUEST_HEADROOM = 4096;
/** Bytes a record adds to its value at most when it has no key and no headers. */
const RECORD_OVERHEAD = 24;
/** One partition's record batch stays below the broker's default max.message.bytes (1 MB + 12). */
const MAX_PARTITION_BATCH_BYTES = 1000 * 1024;

/** The records of one partition in one request, with the line and column of each. */
class PartitionPart {
  readonly lines: number[] = [];
  readonly columns: number[] = [];
  constructor(
    readonly partition: number,
    readonly builder: BulkBatchEncoder,
  ) {}
}

interface SentPart {
  partition: number;
  batch: Buffer;
  lines: number[];
  columns: number[];
}

function encodeHeaders(headers: HeaderInput | undefined): EncodedHeader[] | undefined {
  return headers && headerBytes(headers);
}

/** About the bytes a parsed message takes in a batch (ASCII assumed: only request sizes depend on it). */
function encodedSize(m: SourceMessage['message']): number {
  let size = RECORD_OVERHEAD + (m.value?.length ?? 0) + (m.key?.length ?? 0);
  for (const h of headerList(m.headers)) {
    size += h.name.length + (h.value?.text.length ?? 0) + 10;
  }
  return size;
}

/** Produces every line of the JSONL file at `path` to `topic` and returns exact counts. */
export async function produceJsonlFile(path: string, topic: string, sender: BulkSender, options: BulkPipelineOptions): Promise<ProduceSummary> {
  const accounting = new ProduceAccounting(options.onProgress);
  const summary = accounting.summary;
  const maxBatchBytes = options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES;
  const requestBytes = options.requestBytes ?? DEFAULT_REQUEST_BYTES;
  const isPerMessageError = options.isPerMessageError ?? (() => false);
  const templates = options.shape.templates;
  const inFlight = new Set<Promise<void>>();
  // Lowered when the broker refuses a batch for its size, so later requests fit.
  let partitionBytes = Math.min(MAX_PARTITION_BATCH_BYTES, requestBytes);

  // What fast lines get from the defaults (slow lines get them from the parser).
  const defaults = options.shape.defaults ?? {};
  const defaultKey = keyBytes(defaults);
  const defaultHeaders = encodeHeaders(defaults.headers);
  const plainFastLines = defaultKey === null && defaultHeaders === undefined;
  const defaultKeyLength = defaults.key?.length ?? 0;
  const defaultPartitionMissing = missingPartition(defaults.partition, options.partitionCount);
  const defaultPartitionKey = partitionKey(defaults);
  const fixedPartition = defaults.partition ?? (defaultPartitionKey !== undefined ? options.partitionForKey(defaultPartitionKey) : undefined);

  // The batch being filled: where producePipeline would cut it, hence which partition it uses.
  let batchCount = 0;
  let batchBytes = 0;
  let batchNumber = 0;
  let now = 0;
  // The request being filled: a record batch per partition.
  let parts = new Map<number, PartitionPart>();
  let openBytes = 0;
  let expectedPartBytes = 64 * 1024;
  const requestLimit = requestBytes - REQUEST_HEADROOM;

  const partFor = (partition: number): PartitionPart => {
    let part = parts.get(partition);
    if (!part) {
      part = new PartitionPart(partition, sender.newBatch(expectedPartBytes));
      parts.set(partition, part);
    }
    return part;
  };

  /** Sends finished batches; isolates messages the broker refuses one by one, as producePipeline does. */
  const sendParts = async (sent: SentPart[]): Promise<void> => {
    let outcomes: BulkOutcome[];
    try {
      outcomes = await sender.send(sent.map((p) => ({ partition: p.partition, batch: p.batch, count: p.lines.length })));
    } catch (error) {
      outcomes = sent.map((p) => ({ partition: p.partition, error: error instanceof Error ? error : new Error(String(error)) }));
    }
    const perPartition = new Map<number, number>();
    const results: ProduceResult[] = [];
    let written = 0;
    const refused: [SentPart, Error][] = [];
    const unsure: [SentPart, Error][] = [];
    for (const part of sent) {
      const outcome = outcomes.find((o) => o.partition === part.partition);
      if (outcome?.error && outcome.unknown) {
        unsure.push([part, outcome.error]);
      } else if (outcome && !outcome.error) {
        written += part.lines.length;
        perPartition.set(part.partition, part.lines.length);
        if (outcome.offset !== undefined) {
          results.push({ topic, partition: part.partition, offset: outcome.offset });
        }
      } else {
        refused.push([part, outcome?.error ?? new Error(`No answer for partition ${part.partition}.`)]);
      }
    }
    if (written > 0) {
      accounting.record(written, perPartition, results);
    }
    for (const [part, error] of unsure) {
      summary.stoppedBy ??= error.message;
      for (let i = 0; i < part.lines.length; i++) {
        accounting.unsure({ line: part.lines[i], column: part.columns[i] }, error.message);
      }
      accounting.progress();
    }
    for (const [part, error] of refused) {
      const reason = error.message;
      const count = part.lines.length;
      if (count > 1 && isPerMessageError(error)) {
        // Too large for the topic: make later batches smaller, and find the culprits by halving
        // (the others still go out, each failure keeps its line).
        partitionBytes = Math.max(1024, Math.min(partitionBytes, part.batch.length >> 1));
        const middle = Math.ceil(count / 2);
        for (const [from, to] of [
          [0, middle],
          [middle, count],
        ]) {
          await sendParts([
            {
              partition: part.partition,
              batch: sender.sliceBatch(part.batch, from, to),
              lines: part.lines.slice(from, to),
              columns: part.columns.slice(from, to),
            },
          ]);
        }
      } else if (count === 1 && isPerMessageError(error)) {
        accounting.fail({ line: part.lines[0], column: part.columns[0] }, reason);
        accounting.progress();
      } else {
        summary.stoppedBy ??= reason;
        for (let i = 0; i < count; i++) {
          accounting.fail({ line: part.lines[i], column: part.columns[i] }, reason);
        }
        accounting.progress();
      }
    }
  };

  /** Sends the request being filled, then waits while too many are unanswered. */
  const flush = async (): Promise<void> => {
    if (parts.size === 0) {
      return;
    }
    const sent: SentPart[] = [];
    for (const part of parts.values()) {
      const batch = part.builder.finish();
      expectedPartBytes = Math.max(expectedPartBytes, Math.min(batch.length + (batch.length >> 3), partitionBytes + (partitionBytes >> 3)));
      sent.push({ partition: part.partition, batch, lines: part.lines, columns: part.columns });
    }
    parts = new Map();
    openBytes = 0;
    const running = sendParts(sent);
    inFlight.add(running);
    void running.finally(() => inFlight.delete(running));
    while (inFlight.size >= options.maxInFlight) {
      await Promise.race(inFlight);
    }
  };

  // Once the run stops (cancelled, or the broker failed), the rest is read only to be counted.
  let stopped = false;
  const checkStop = (): void => {
    if (stopped) {
      return;
    }
    if (options.isCancelled?.()) {
      summary.cancelled = true;
    } else if (!summary.stoppedBy) {
      return;
    }
    stopped = true;
    for (const part of parts.values()) {
      part.lines.forEach((line, i) => accounting.skip({ line, column: part.columns[i] }));
    }
    parts = new Map();
    openBytes = 0;
  };

  const file = await openJsonl(path);
  try {
    const scanner = new JsonlChunkScanner(file, options.shape, options.chunkBytes);
    for (;;) {
      const more = await scanner.refill();
      // Cancellation and a stop can only arrive while awaiting: checked after every await.
      checkStop();
      if (!more) {
        break;
      }
      for (;;) {
        const kind = scanner.next();
        if (kind === LINE_END_OF_CHUNK) {
          break;
        }
        if (stopped) {
          const found = kind === LINE_FAST ? undefined : scanner.item;
          if (found && 'kind' in found) {
            accounting.fail(found, found.message);
          } else {
            accounting.skip(found ?? { line: scanner.line, column: scanner.column });
          }
          continue;
        }
        let item: SourceMessage | undefined;
        let partition: number;
        let size: number;
        if (kind === LINE_FAST) {
          if (defaultPartitionMissing) {
            accounting.fail({ line: scanner.line, column: scanner.column }, defaultPartitionMissing);
            continue;
          }
          partition = fixedPartition ?? batchNumber % options.partitionCount;
          size = scanner.valueEnd - scanner.valueStart + RECORD_OVERHEAD;
        } else {
          const found = scanner.item!;
          if ('kind' in found) {
            accounting.fail(found, found.message);
            continue;
          }
          const missing = missingPartition(found.message.partition, options.partitionCount);
          if (missing) {
            accounting.fail(found, missing);
            continue;
          }
          item = found;
          const m = item.message;
          const key = partitionKey(m);
          partition = m.partition ?? (key !== undefined ? options.partitionForKey(key) : batchNumber % options.partitionCount);
          size = encodedSize(m);
        }
        // Send the request first when this record would take it past its size (kafkajs copies a
        // request into a buffer of the next power of two: requests stay just below one).
        if (openBytes + size > requestLimit || (parts.get(partition)?.builder.size ?? 0) + size > partitionBytes) {
          if (parts.size > 0) {
            await flush();
            checkStop();
            if (stopped) {
              accounting.skip(item ?? { line: scanner.line, column: scanner.column });
              continue;
            }
          }
        }
        if (batchCount === 0) {
          now = Date.now();
        }
        const part = partFor(partition);
        const before = part.builder.size;
        if (item === undefined) {
          if (plainFastLines) {
            part.builder.addValue(scanner.bytes, scanner.valueStart, scanner.valueEnd, now);
          } else {
            part.builder.add(defaultKey, scanner.bytes.subarray(scanner.valueStart, scanner.valueEnd), defaultHeaders, now);
          }
          part.lines.push(scanner.line);
          part.columns.push(scanner.column);
          batchBytes += scanner.textLength + defaultKeyLength;
        } else {
          const m = item.message;
          part.builder.add(keyBytes(m), valueBytes(m), encodeHeaders(m.headers), m.timestamp === undefined ? now : Number(m.timestamp));
          part.lines.push(item.line);
          part.columns.push(item.column);
          batchBytes += (m.value?.length ?? 0) + (m.key?.length ?? 0);
        }
        openBytes += part.builder.size - before;
        templates?.next();
        if (++batchCount >= options.batchSize || batchBytes >= maxBatchBytes) {
          // Where producePipeline would send this batch: the next one takes the next partition.
          batchCount = 0;
          batchBytes = 0;
          batchNumber++;
        }
      }
    }
    checkStop();
    if (!stopped) {
      await flush();
    }
    await Promise.all(inFlight);
  } finally {
    await file.close();
  }
  return accounting.finish();
}
