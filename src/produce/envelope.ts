/**
 * The envelope form: `{ "key", "value", "headers", "partition", "timestamp", "keyEncoding",
 * "valueEncoding" }` lets a file carry keys and headers. The rule (documented in README): an object
 * is an envelope when it has a `value` property and no property other than those, and the fields an
 * export adds to say where a record was (`topic`, `offset`, `timestampType`, ignored when producing).
 * Anything else is sent as the value.
 *
 * Headers: an object `{ "name": value }`, or, to repeat a name or fix the order, a list of
 * `["name", value]` pairs or `{ "name": …, "value": … }` objects. A header value is a string, null
 * (a header without a value, which is not an empty one) or `{ "base64": "…" }` for bytes that are
 * not text; other JSON is sent as its compact JSON text. `"keyEncoding": "base64"` and
 * `"valueEncoding": "base64"` say that the key or value string is base64 of the bytes to send.
 */
import type { OutgoingMessage } from '../core/brokerClient';
import type { MessageHeader, Payload } from '../core/message';

export const ENVELOPE_FIELDS = ['key', 'value', 'headers', 'partition', 'timestamp', 'keyEncoding', 'valueEncoding'] as const;
/** Fields an exported record carries besides the envelope's, so an export produces back as is; ignored. */
export const EXPORT_FIELDS = ['topic', 'offset', 'timestampType'] as const;

/** 'auto' applies the rule above; 'always' insists (and reports objects that break it); 'never' sends objects as they are. */
export type EnvelopeMode = 'auto' | 'always' | 'never';

const ALLOWED: ReadonlySet<string> = new Set<string>([...ENVELOPE_FIELDS, ...EXPORT_FIELDS]);

export function isEnvelope(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !('value' in value)) {
    return false;
  }
  return Object.keys(value).every((k) => ALLOWED.has(k));
}

export class EnvelopeError extends Error {}

/** Text of a key, value or header: strings as they are, anything else as compact JSON. */
function asText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Strict base64 (what export writes): groups of four characters of the standard alphabet, padded. */
export function isBase64(text: string): boolean {
  return text.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(text);
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

const HEADERS_HELP =
  '"headers" must be an object such as { "source": "test" }, or a list of ["name", value] pairs or { "name": …, "value": … } objects; a value is a string, null or { "base64": "…" }.';

/** A header value: a string, null (no value), `{ "base64": "…" }` (bytes), or other JSON as its text. */
function headerValue(name: string, value: unknown): Payload | null {
  if (value === null) {
    return null;
  }
  if (typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 1 && 'base64' in value) {
    const base64 = value.base64;
    if (typeof base64 !== 'string' || !isBase64(base64)) {
      throw new EnvelopeError(`Header "${name}": "base64" must be a base64 string (A-Z, a-z, 0-9, +, /, padded with =).`);
    }
    return { text: base64, encoding: 'base64' };
  }
  return { text: asText(value), encoding: 'text' };
}

/** The envelope's headers, in order. */
export function parseHeaders(headers: unknown): MessageHeader[] {
  if (typeof headers !== 'object' || headers === null) {
    throw new EnvelopeError(HEADERS_HELP);
  }
  if (!Array.isArray(headers)) {
    return Object.entries(headers).map(([name, value]) => ({ name, value: headerValue(name, value) }));
  }
  return headers.map((item: unknown, i) => {
    if (Array.isArray(item) && item.length === 2 && typeof item[0] === 'string') {
      return { name: item[0], value: headerValue(item[0], item[1]) };
    }
    if (typeof item === 'object' && item !== null && !Array.isArray(item)) {
      const { name, value } = item as Record<string, unknown>;
      if (typeof name === 'string' && 'value' in item && Object.keys(item).length === 2) {
        return { name, value: headerValue(name, value) };
      }
    }
    throw new EnvelopeError(`Header ${i + 1}: ${HEADERS_HELP}`);
  });
}

function encodingOf(envelope: Record<string, unknown>, field: 'keyEncoding' | 'valueEncoding'): 'base64' | undefined {
  const encoding = envelope[field];
  if (encoding === undefined || encoding === null || encoding === 'text') {
    return undefined;
  }
  if (encoding !== 'base64') {
    throw new EnvelopeError(`"${field}" must be "base64" (the string is base64 of the bytes) or "text".`);
  }
  const payload = envelope[field === 'keyEncoding' ? 'key' : 'value'];
  if (payload !== null && payload !== undefined && (typeof payload !== 'string' || !isBase64(payload))) {
    throw new EnvelopeError(`With "${field}": "base64", "${field === 'keyEncoding' ? 'key' : 'value'}" must be a base64 string.`);
  }
  return 'base64';
}

/** Turns an envelope into a message; throws EnvelopeError with a sentence on a bad field. */
export function envelopeToMessage(envelope: Record<string, unknown>): { message: OutgoingMessage; value: unknown } {
  const keyEncoding = encodingOf(envelope, 'keyEncoding');
  const valueEncoding = encodingOf(envelope, 'valueEncoding');
  // "value": null is a tombstone: it deletes the key on a compacted topic.
  const message: OutgoingMessage = { value: envelope.value === null ? null : asText(envelope.value) };
  if (valueEncoding && message.value !== null) {
    message.valueEncoding = valueEncoding;
  }
  // "key": null (or none) is no key; "" is an empty key.
  if (envelope.key !== undefined && envelope.key !== null) {
    message.key = asText(envelope.key);
    if (keyEncoding) {
      message.keyEncoding = keyEncoding;
    }
  }
  if (envelope.headers !== undefined && envelope.headers !== null) {
    message.headers = parseHeaders(envelope.headers);
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
