/**
 * Payload kinds and JSON detection, with no Node or DOM dependency (the webview shares the types).
 */

/** What a stored payload is: text (maybe JSON) or base64 of bytes that are not UTF-8. */
export type PayloadEncoding = 'text' | 'base64';

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
