/**
 * Payload kinds and JSON detection, with no Node or DOM dependency (the webview shares the types).
 */
import { endOfString } from '../core/jsonSource';

import type { PayloadEncoding } from '../core/message';

/** What a stored payload is: text (maybe JSON) or base64 of bytes that are not UTF-8. */
export type { PayloadEncoding } from '../core/message';

/** What the panel shows a payload as. */
export type PayloadFormat = 'json' | 'text' | 'binary' | 'null';

/** The parsed JSON of a text payload that looks like an object or array, else undefined. */
export function parseJsonValue(text: string | null): unknown {
  if (text === null) {
    return undefined;
  }
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') {
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Whether a payload is shown as JSON, text or binary. */
export function payloadFormat(text: string | null, encoding: PayloadEncoding): PayloadFormat {
  if (text === null) {
    return 'null';
  }
  if (encoding === 'base64') {
    return 'binary';
  }
  return parseJsonValue(text) === undefined ? 'text' : 'json';
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);

/**
 * Re-indents valid JSON text with 2 spaces, as JSON.stringify(value, null, 2) lays it out, but
 * without parsing the values: numbers beyond 2^53 (64-bit ids) and escapes stay exactly as sent.
 * Call it only on text that parses (parseJsonValue); other text comes back reformatted but unchecked.
 */
export function indentJson(text: string): string {
  const parts: string[] = [];
  let depth = 0;
  let i = 0;
  const n = text.length;
  const newline = (): void => {
    parts.push('\n', '  '.repeat(depth));
  };
  while (i < n) {
    const ch = text[i];
    if (ch === '"') {
      const end = endOfString(text, i);
      parts.push(text.slice(i, end));
      i = end;
    } else if (WHITESPACE.has(ch)) {
      i++;
    } else if (ch === '{' || ch === '[') {
      const close = ch === '{' ? '}' : ']';
      let j = i + 1;
      while (j < n && WHITESPACE.has(text[j])) {
        j++;
      }
      if (text[j] === close) {
        parts.push(ch + close);
        i = j + 1;
      } else {
        depth++;
        parts.push(ch);
        newline();
        i++;
      }
    } else if (ch === '}' || ch === ']') {
      depth--;
      newline();
      parts.push(ch);
      i++;
    } else if (ch === ',') {
      parts.push(',');
      newline();
      i++;
    } else if (ch === ':') {
      parts.push(': ');
      i++;
    } else {
      let j = i;
      while (j < n && !WHITESPACE.has(text[j]) && !',:{}[]"'.includes(text[j])) {
        j++;
      }
      parts.push(text.slice(i, j));
      i = j;
    }
  }
  return parts.join('');
}
