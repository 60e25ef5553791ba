import { formatCorrelationId, knownCorrelationHeaders } from '../conversations/conventions';
import type { MessageHeader } from '../core/message';

/** What "Trace conversation" needs from a tailed message. */
export interface TraceRequest {
  correlationId: string;
  header: string;
  fromTime: number;
  toTime: number;
}

/**
 * The conversation a message belongs to: its first correlation header (the configured one, then
 * the presets' names) and a time window centred on the message. Returns a sentence when the
 * message carries none of those headers.
 */
export function traceRequestFor(
  message: { headers: readonly MessageHeader[]; timestamp: number },
  configuredHeader: string,
  windowMs: number,
): TraceRequest | string {
  const names = knownCorrelationHeaders([configuredHeader]);
  // The first header of those names with a value (a header without a value, or an empty one, is no id).
  const idOf = (name: string): string | undefined => {
    const found = message.headers.find((h) => h.name === name && h.value !== null && h.value.text !== '');
    const value = found?.value;
    return value ? (value.encoding === 'base64' ? formatCorrelationId(Buffer.from(value.text, 'base64')) : value.text) : undefined;
  };
  const header = [configuredHeader, ...names].find((name) => idOf(name) !== undefined);
  const correlationId = header === undefined ? undefined : idOf(header);
  if (header === undefined || correlationId === undefined) {
    return `This message has no correlation header (looked for ${names.join(', ')}).`;
  }
  return {
    correlationId,
    header,
    fromTime: message.timestamp - windowMs / 2,
    toTime: message.timestamp + windowMs / 2,
  };
}
