/**
 * What the details pane shows of one message, and the same message opened in an untitled editor:
 * pretty-printed JSON (language json) when the value is JSON, else the text (plaintext), binary
 * as the panel shows it (base64 and hex).
 */
import { base64ToHex, prettyPayload } from '../tail/decode';
import { type MessageHeader, envelopeHeaders } from '../core/message';
import { compactJson } from '../core/jsonSource';
import { payloadFormat } from '../tail/json';
import type { StoredMessage } from '../tail/recordStore';
import type { TailDetails } from './protocol';

export function detailsOf(m: StoredMessage): TailDetails {
  const details: TailDetails = {
    seq: m.seq,
    title: `${m.topic} · partition ${m.partition} · offset ${m.offset} · ${new Date(m.timestamp).toISOString()} (${m.timestampType}) · ${m.size} B`,
    timestampType: m.timestampType,
    key: m.key === null ? '(null: the record has no key)' : m.key === '' ? '"" (an empty key: 0 bytes)' : prettyPayload(m.key, m.keyEncoding),
    value: m.value === null ? '(null: no value, a tombstone)' : prettyPayload(m.value, m.valueEncoding),
    headers: headersText(m.headers),
    envelope: envelopeOf(m),
  };
  if (m.key !== null) {
    details.keyCopy = m.key;
  }
  if (m.value !== null) {
    // Text as shown (JSON pretty-printed), bytes that are not UTF-8 as their base64.
    details.valueCopy = m.valueEncoding === 'base64' ? m.value : details.value;
  }
  return details;
}

/**
 * One line per header, in order: a text value as a JSON string (so "" and "null" stay visibly
 * different from a header without a value, shown as null), bytes that are not UTF-8 as base64 and hex.
 */
export function headersText(headers: readonly MessageHeader[]): string {
  if (headers.length === 0) {
    return '(no headers)';
  }
  return headers
    .map((h) => {
      if (h.value === null) {
        return `${h.name}: null (no value)`;
      }
      if (h.value.encoding === 'base64') {
        return `${h.name}: [binary] base64 ${h.value.text} · hex ${base64ToHex(h.value.text, 256)}`;
      }
      return `${h.name}: ${JSON.stringify(h.value.text)}`;
    })
    .join('\n');
}

/**
 * The message as one JSONL envelope line (`{"key", "value", "headers"}`, see src/produce/envelope.ts)
 * to paste into a file and produce again: a JSON value as its JSON (compacted, numbers exact), text
 * as a string, a null value as null (a tombstone), a missing key left out ("" is an empty key),
 * binary keys and values as base64 with `keyEncoding`/`valueEncoding`, headers in order with their
 * null values and bytes (envelopeHeaders).
 */
export function envelopeOf(m: Pick<StoredMessage, 'key' | 'value' | 'keyEncoding' | 'valueEncoding' | 'headers'>): string {
  const fields: string[] = [];
  if (m.key !== null) {
    fields.push(`"key":${JSON.stringify(m.key)}`);
    if (m.keyEncoding === 'base64') {
      fields.push('"keyEncoding":"base64"');
    }
  }
  const value = m.value === null ? 'null' : payloadFormat(m.value, m.valueEncoding) === 'json' ? compactJson(m.value) : JSON.stringify(m.value);
  fields.push(`"value":${value}`);
  if (m.value !== null && m.valueEncoding === 'base64') {
    fields.push('"valueEncoding":"base64"');
  }
  const headers = envelopeHeaders(m.headers);
  if (headers !== undefined) {
    fields.push(`"headers":${JSON.stringify(headers)}`);
  }
  return `{${fields.join(',')}}`;
}

/** The text and language id of a message's value as an editor shows it. */
export function editorContentOf(m: Pick<StoredMessage, 'value' | 'valueEncoding'>): { content: string; language: string } {
  const format = payloadFormat(m.value, m.valueEncoding);
  return { content: prettyPayload(m.value, m.valueEncoding), language: format === 'json' ? 'json' : 'plaintext' };
}
