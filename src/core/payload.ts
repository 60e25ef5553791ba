/**
 * Message bytes kept exactly in a form that is cheap to store and to show: UTF-8 text when the
 * bytes are valid UTF-8, otherwise base64. Lossless both ways. Nothing here imports `vscode`.
 */
import { isUtf8 } from 'node:buffer';

import type { Payload } from './message';

/** Bytes as the message model keeps them (message.ts). */
export type DecodedPayload = Payload;

/** Decodes bytes once, on arrival: valid UTF-8 stays text, anything else is kept as base64. */
export function decodePayload(bytes: Uint8Array): DecodedPayload {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isUtf8(buffer)) {
    return { text: buffer.toString('utf8'), encoding: 'text' };
  }
  return { text: buffer.toString('base64'), encoding: 'base64' };
}
