/**
 * How message bytes become something a person can read: UTF-8 text when the bytes are valid
 * UTF-8, otherwise the bytes as base64 (and hex on demand). JSON is detected when shown, not stored.
 */
import { type PayloadEncoding, indentJson, parseJsonValue } from './json';

export { type DecodedPayload, decodePayload } from '../core/payload';
export { type PayloadEncoding, type PayloadFormat, parseJsonValue, payloadFormat } from './json';

/** Bytes as spaced hex pairs (`de ad be ef`), capped so a huge binary value stays cheap to show. */
export function base64ToHex(base64: string, maxBytes = 4096): string {
  const bytes = Buffer.from(base64, 'base64');
  const shown = bytes.subarray(0, maxBytes);
  const hex = shown.toString('hex').replace(/(..)(?!$)/g, '$1 ');
  return bytes.length > maxBytes ? `${hex} … (${bytes.length} bytes)` : hex;
}

/**
 * The text a details pane shows: pretty-printed JSON (re-indented, values exactly as sent), text as
 * is, binary as base64 and hex.
 */
export function prettyPayload(text: string | null, encoding: PayloadEncoding): string {
  if (text === null) {
    return '(null)';
  }
  if (encoding === 'base64') {
    return `base64: ${text}\nhex:    ${base64ToHex(text)}`;
  }
  return parseJsonValue(text) === undefined ? text : indentJson(text);
}
