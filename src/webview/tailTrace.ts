import { knownCorrelationHeaders } from '../conversations/conventions';

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
  message: { headers: Record<string, string>; timestamp: number },
  configuredHeader: string,
  windowMs: number,
): TraceRequest | string {
  const names = knownCorrelationHeaders([configuredHeader]);
  const header = [configuredHeader, ...names].find((name) => message.headers[name] !== undefined && message.headers[name] !== '');
  if (!header) {
    return `This message has no correlation header (looked for ${names.join(', ')}).`;
  }
  return {
    correlationId: message.headers[header],
    header,
    fromTime: message.timestamp - windowMs / 2,
    toTime: message.timestamp + windowMs / 2,
  };
}
