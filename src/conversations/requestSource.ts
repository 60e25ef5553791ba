/**
 * What a request file holds: plain text is the value; a JSON envelope (`value` with optional
 * `key`, `headers`, `correlationId`) gives those fields; a JSON object with a top-level
 * `correlationId` keeps its body and lends the id. Pure logic, no `vscode`.
 */

export interface RequestSource {
  key?: string;
  value: string;
  headers: Record<string, string>;
  /** An id named in the file (envelope field, its correlation header, or a top-level field). */
  correlationId?: string;
}

const ENVELOPE_FIELDS = new Set(['key', 'value', 'headers', 'correlationId']);

function textOf(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Reads a request from editor text; `correlationHeader` is also looked up in an envelope's headers. */
export function requestFromText(text: string, correlationHeader: string): RequestSource {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { value: text, headers: {} };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { value: text, headers: {} };
  }
  const fields = parsed as Record<string, unknown>;
  const isEnvelope = 'value' in fields && Object.keys(fields).every((name) => ENVELOPE_FIELDS.has(name));
  if (!isEnvelope) {
    const id = fields.correlationId;
    return { value: text, headers: {}, correlationId: typeof id === 'string' || typeof id === 'number' ? String(id) : undefined };
  }
  const rawHeaders = typeof fields.headers === 'object' && fields.headers !== null ? (fields.headers as Record<string, unknown>) : {};
  const headers = Object.fromEntries(Object.entries(rawHeaders).map(([k, v]) => [k, textOf(v)]));
  const fromHeader = headers[correlationHeader];
  delete headers[correlationHeader];
  const id = fields.correlationId;
  return {
    key: fields.key === undefined || fields.key === null ? undefined : textOf(fields.key),
    value: textOf(fields.value),
    headers,
    correlationId: typeof id === 'string' || typeof id === 'number' ? String(id) : fromHeader,
  };
}
