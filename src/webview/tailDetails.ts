/**
 * What the details pane shows of one message, and the same message opened in an untitled editor:
 * pretty-printed JSON (language json) when the value is JSON, else the text (plaintext), binary
 * as the panel shows it (base64 and hex).
 */
import { prettyPayload } from '../tail/decode';
import { compactJson } from '../core/jsonSource';
import { payloadFormat } from '../tail/json';
import type { StoredMessage } from '../tail/recordStore';
import type { TailDetails } from './protocol';

export function detailsOf(m: StoredMessage): TailDetails {
  return {
    seq: m.seq,
    title: `${m.topic} · partition ${m.partition} · offset ${m.offset} · ${new Date(m.timestamp).toISOString()} · ${m.size} B`,
    key: prettyPayload(m.key, m.keyEncoding),
    value: prettyPayload(m.value, m.valueEncoding),
    headers: JSON.stringify(m.headers, null, 2),
    envelope: envelopeOf(m),
  };
}

/**
 * The message as one JSONL envelope line (`{"key", "value", "headers"}`, see src/produce/envelope.ts)
 * to paste into a file and produce again: a JSON value as its JSON (compacted, numbers exact), text
 * as a string, a null value as null (a tombstone). Undefined when the key or value is binary, which
 * an envelope cannot carry byte for byte.
 */
export function envelopeOf(m: Pick<StoredMessage, 'key' | 'value' | 'keyEncoding' | 'valueEncoding' | 'headers'>): string | undefined {
  if ((m.key !== null && m.keyEncoding === 'base64') || (m.value !== null && m.valueEncoding === 'base64')) {
    return undefined;
  }
  const fields: string[] = [];
  if (m.key !== null) {
    fields.push(`"key":${JSON.stringify(m.key)}`);
  }
  const value = m.value === null ? 'null' : payloadFormat(m.value, m.valueEncoding) === 'json' ? compactJson(m.value) : JSON.stringify(m.value);
  fields.push(`"value":${value}`);
  if (Object.keys(m.headers).length > 0) {
    fields.push(`"headers":${JSON.stringify(m.headers)}`);
  }
  return `{${fields.join(',')}}`;
}

/** The text and language id of a message's value as an editor shows it. */
export function editorContentOf(m: Pick<StoredMessage, 'value' | 'valueEncoding'>): { content: string; language: string } {
  const format = payloadFormat(m.value, m.valueEncoding);
  return { content: prettyPayload(m.value, m.valueEncoding), language: format === 'json' ? 'json' : 'plaintext' };
}
