/**
 * The envelope form: `{ "key", "value", "headers", "partition", "timestamp" }` lets a file carry
 * keys and headers. The rule (documented in README): an object is an envelope when it has a
 * `value` property and no property other than those five. Anything else is sent as the value.
 */
import type { OutgoingMessage } from '../core/brokerClient';

export const ENVELOPE_FIELDS = ['key', 'value', 'headers', 'partition', 'timestamp'] as const;

/** 'auto' applies the rule above; 'always' insists (and reports objects that break it); 'never' sends objects as they are. */
export type EnvelopeMode = 'auto' | 'always' | 'never';

export function isEnvelope(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !('value' in value)) {
    return false;
  }
  return Object.keys(value).every((k) => (ENVELOPE_FIELDS as readonly string[]).includes(k));
}

export class EnvelopeError extends Error {}

/** Text of a key, value or header: strings as they are, anything else as compact JSON. */
function asText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Milliseconds since epoch from a number or a date string, as Kafka's timestamp string. */
function timestampOf(value: unknown): string {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) {
    return String(Math.trunc(value));
  }
  if (typeof value === 'string') {
    const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
    if (Number.isFinite(ms)) {
      return String(ms);
    }
  }
  throw new EnvelopeError('"timestamp" must be milliseconds since 1970 or a date such as "2025-01-31T12:00:00Z".');
}

/** Turns an envelope into a message; throws EnvelopeError with a sentence on a bad field. */
export function envelopeToMessage(envelope: Record<string, unknown>): { message: OutgoingMessage; value: unknown } {
  // "value": null is a tombstone: it deletes the key on a compacted topic.
  const message: OutgoingMessage = { value: envelope.value === null ? null : asText(envelope.value) };
  if (envelope.key !== undefined && envelope.key !== null) {
    message.key = asText(envelope.key);
  }
  if (envelope.headers !== undefined && envelope.headers !== null) {
    const headers = envelope.headers;
    if (typeof headers !== 'object' || Array.isArray(headers)) {
      throw new EnvelopeError('"headers" must be an object of names to values, such as { "source": "test" }.');
    }
    message.headers = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, asText(v)]));
  }
  if (envelope.partition !== undefined && envelope.partition !== null) {
    const partition = envelope.partition;
    if (typeof partition !== 'number' || !Number.isInteger(partition) || partition < 0) {
      throw new EnvelopeError('"partition" must be a whole number of 0 or more.');
    }
    message.partition = partition;
  }
  if (envelope.timestamp !== undefined && envelope.timestamp !== null) {
    message.timestamp = timestampOf(envelope.timestamp);
  }
  return { message, value: envelope.value };
}
