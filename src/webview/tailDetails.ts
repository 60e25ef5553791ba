/**
 * What the details pane shows of one message, and the same message opened in an untitled editor:
 * pretty-printed JSON (language json) when the value is JSON, else the text (plaintext), binary
 * as the panel shows it (base64 and hex).
 */
import { prettyPayload } from '../tail/decode';
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
  };
}

/** The text and language id of a message's value as an editor shows it. */
export function editorContentOf(m: Pick<StoredMessage, 'value' | 'valueEncoding'>): { content: string; language: string } {
  const format = payloadFormat(m.value, m.valueEncoding);
  return { content: prettyPayload(m.value, m.valueEncoding), language: format === 'json' ? 'json' : 'plaintext' };
}
