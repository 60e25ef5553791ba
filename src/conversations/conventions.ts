/**
 * How a request names its conversation and its reply topic: header names, id encoding and any
 * extra headers, with presets for the common conventions. Pure logic, no `vscode`.
 */
import type { RawHeader } from '../core/conversationTransport';
import { randomBytes, randomUUID } from 'node:crypto';

export type PresetName = 'plain' | 'spring' | 'cloudevents';

/** Text ids are sent as UTF-8; uuid-bytes ids as the 16 raw bytes of a UUID (what Spring Kafka sends). */
export type IdEncoding = 'text' | 'uuid-bytes';

export interface HeaderConvention {
  correlationHeader: string;
  replyToHeader: string;
  idEncoding: IdEncoding;
  /** CloudEvents binary mode: each message also gets ce_id, ce_specversion, ce_source and ce_type. */
  cloudEvents?: boolean;
}

export const PRESETS: Readonly<Record<PresetName, HeaderConvention>> = {
  plain: { correlationHeader: 'correlation-id', replyToHeader: 'reply-to', idEncoding: 'text' },
  spring: { correlationHeader: 'kafka_correlationId', replyToHeader: 'kafka_replyTopic', idEncoding: 'uuid-bytes' },
  cloudevents: { correlationHeader: 'ce_correlationid', replyToHeader: 'ce_replyto', idEncoding: 'text', cloudEvents: true },
};

export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

export function isPresetName(value: unknown): value is PresetName {
  return typeof value === 'string' && (PRESET_NAMES as string[]).includes(value);
}

/** Every correlation header name the presets know, plus extra ones; a trace looks at all of them. */
export function knownCorrelationHeaders(extra: readonly string[] = []): string[] {
  return [...new Set([...Object.values(PRESETS).map((p) => p.correlationHeader), ...extra])];
}

const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX_TEXT = /^(?:hex:|0x)((?:[0-9a-f]{2})+)$/i;

/** A fresh id in the convention's encoding. */
export function newCorrelationId(encoding: IdEncoding): Buffer {
  return encoding === 'uuid-bytes' ? randomBytes(16) : Buffer.from(randomUUID(), 'utf8');
}

/**
 * The bytes of an id the user typed: `hex:…`/`0x…` is raw bytes; a UUID is its 16 bytes under
 * uuid-bytes encoding; anything else is UTF-8 text.
 */
export function parseCorrelationId(input: string, encoding: IdEncoding): Buffer {
  const text = input.trim();
  if (text.length === 0) {
    throw new Error('A correlation id cannot be empty.');
  }
  const hex = HEX_TEXT.exec(text);
  if (hex) {
    return Buffer.from(hex[1], 'hex');
  }
  if (encoding === 'uuid-bytes' && UUID_TEXT.test(text)) {
    return Buffer.from(text.replace(/-/g, ''), 'hex');
  }
  return Buffer.from(text, 'utf8');
}

/**
 * Every byte form a typed id may take on the wire, so a trace finds it whichever convention sent
 * it: the UTF-8 text, its 16 bytes when it is a UUID, the raw bytes when it is hex.
 */
export function correlationCandidates(input: string): Buffer[] {
  const text = input.trim();
  const forms = [Buffer.from(text, 'utf8')];
  const hex = HEX_TEXT.exec(text);
  if (hex) {
    forms.push(Buffer.from(hex[1], 'hex'));
  }
  if (UUID_TEXT.test(text)) {
    forms.push(Buffer.from(text.replace(/-/g, ''), 'hex'));
  }
  return forms;
}

/** Whether bytes read as printable UTF-8 text (no control characters, no replacement characters). */
function isPrintableText(bytes: Buffer): boolean {
  const text = bytes.toString('utf8');
  // eslint-disable-next-line no-control-regex
  return bytes.length > 0 && !text.includes('\uFFFD') && !/[\u0000-\u0008\u000E-\u001F\u007F]/.test(text);
}

/** An id for people: printable text as is, 16 bytes as a UUID, other bytes as `hex:…`. */
export function formatCorrelationId(bytes: Buffer): string {
  if (bytes.length === 0 || isPrintableText(bytes)) {
    return bytes.toString('utf8');
  }
  if (bytes.length === 16) {
    const h = bytes.toString('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
  return `hex:${bytes.toString('hex')}`;
}

/** A map key for an id: byte equality, whatever the encoding. */
export function correlationKey(bytes: Buffer): string {
  return bytes.toString('hex');
}

/** The headers a request carries: the id, the reply topic, and CloudEvents attributes when asked. */
export function requestHeaders(convention: HeaderConvention, correlationId: Buffer, replyTopic: string): Record<string, Buffer | string> {
  return {
    [convention.correlationHeader]: correlationId,
    [convention.replyToHeader]: replyTopic,
    ...(convention.cloudEvents ? cloudEventHeaders('mq-explorer.request') : {}),
  };
}

/** The headers a reply carries: the same id bytes (never re-encoded), plus CloudEvents attributes when asked. */
export function replyHeaders(convention: HeaderConvention, correlationId: Buffer): Record<string, Buffer | string> {
  return {
    [convention.correlationHeader]: correlationId,
    ...(convention.cloudEvents ? cloudEventHeaders('mq-explorer.reply') : {}),
  };
}

function cloudEventHeaders(type: string): Record<string, string> {
  return { ce_specversion: '1.0', ce_id: randomUUID(), ce_source: 'mq-explorer', ce_type: type };
}

/**
 * Headers as text for display, in order, as `[name, value]` pairs: printable values as text,
 * others formatted like ids, a header without a value as null.
 */
export function headersAsText(headers: readonly RawHeader[]): [string, string | null][] {
  return headers.map((h) => [h.name, h.value === null ? null : formatCorrelationId(h.value)]);
}
