/**
 * The broker-neutral parts of a message that every feature shares (tail, store, filters, export,
 * envelopes, conversations, the webview): payloads that stay exact whatever their bytes, headers as
 * an ordered list (a name may repeat, a value may be null), and the kind of timestamp. No `vscode`
 * and no Node `Buffer`, so the webview bundle imports it too.
 */

/** How a payload's text holds its bytes: as the text itself (valid UTF-8), or as base64 of bytes that are not UTF-8. */
export type PayloadEncoding = 'text' | 'base64';

/** Bytes kept losslessly: `text` is the text when the bytes are valid UTF-8, otherwise their base64. */
export interface Payload {
  text: string;
  encoding: PayloadEncoding;
}

/** One header, in the order the record carries it. `value: null` is a header without a value (not an empty one). */
export interface MessageHeader {
  name: string;
  value: Payload | null;
}

/** Kafka's two timestamp kinds: set by the producer (CreateTime) or by the broker when it appended the record. */
export type TimestampType = 'CreateTime' | 'LogAppendTime';

/** The one empty header list, shared by every message without headers (no allocation per message). */
export const NO_HEADERS: readonly MessageHeader[] = Object.freeze([]);

/** A text payload. */
export function textPayload(text: string): Payload {
  return { text, encoding: 'text' };
}

/**
 * Headers as callers used to give them (`{ name: "text" }`) or as the ordered list; the list as is.
 * An object cannot repeat a name, and JavaScript orders its integer-like names first.
 */
export type HeaderInput = readonly MessageHeader[] | Readonly<Record<string, string>>;

/** The ordered list of a HeaderInput. */
export function headerList(headers: HeaderInput | undefined): readonly MessageHeader[] {
  if (headers === undefined) {
    return NO_HEADERS;
  }
  if (Array.isArray(headers)) {
    return headers as readonly MessageHeader[];
  }
  return Object.entries(headers as Record<string, string>).map(([name, value]) => ({ name, value: textPayload(value) }));
}

/** Whether a name would be reordered by a JavaScript object (array-index names come first). */
function isIndexName(name: string): boolean {
  return /^(0|[1-9]\d*)$/.test(name) && Number(name) < 2 ** 32 - 1;
}

/** A header value as an envelope writes it: a string, null, or `{ "base64": "…" }` for bytes that are not UTF-8. */
export type EnvelopeHeaderValue = string | null | { base64: string };

export function envelopeHeaderValue(value: Payload | null): EnvelopeHeaderValue {
  if (value === null) {
    return null;
  }
  return value.encoding === 'base64' ? { base64: value.text } : value.text;
}

/**
 * Headers as an envelope or export writes them: the object form `{ "name": value }` when it says the
 * same thing (unique names that JSON readers keep in order), else the ordered list of `[name, value]`
 * pairs. Values: a string, null, or `{ "base64": "…" }`. Undefined when there are none.
 */
export function envelopeHeaders(headers: readonly MessageHeader[]): Record<string, EnvelopeHeaderValue> | [string, EnvelopeHeaderValue][] | undefined {
  if (headers.length === 0) {
    return undefined;
  }
  const names = new Set(headers.map((h) => h.name));
  if (names.size === headers.length && !headers.some((h) => isIndexName(h.name) || h.name === '__proto__')) {
    const object: Record<string, EnvelopeHeaderValue> = {};
    for (const h of headers) {
      object[h.name] = envelopeHeaderValue(h.value);
    }
    return object;
  }
  return headers.map((h): [string, EnvelopeHeaderValue] => [h.name, envelopeHeaderValue(h.value)]);
}

/** `name=value` for the table: a null value shows as `name` with no `=`, binary as `name=base64:…`. */
export function headerPreview(h: MessageHeader): string {
  if (h.value === null) {
    return `${h.name} (null)`;
  }
  return h.value.encoding === 'base64' ? `${h.name}=[binary] ${h.value.text}` : `${h.name}=${h.value.text}`;
}

/** The first header with this name, or undefined (a header without a value is found, with value null). */
export function findHeader(headers: readonly MessageHeader[], name: string): MessageHeader | undefined {
  return headers.find((h) => h.name === name);
}
