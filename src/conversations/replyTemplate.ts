/**
 * Reply bodies from a template: request fields (`{{request.value.orderId}}`, `{{request.key}}`,
 * `{{request.headers.x}}`, `{{request.value}}`, `{{request.topic}}`, `{{correlationId}}`…) and the
 * produce placeholders (`{{uuid}}`, `{{now}}`, `{{int 1 9}}`…). Pure logic, no `vscode`.
 */
import type { RawHeader, RawRecord } from '../core/conversationTransport';
import { type TemplateContext, expandJson, expandText } from '../produce/templates';
import { formatCorrelationId } from './conventions';

const REQUEST_FIELD = /\{\{\s*((?:request(?:\.[\w-]+)*)|correlationId)\s*\}\}/g;
const SINGLE_REQUEST_FIELD = /^\{\{\s*((?:request(?:\.[\w-]+)*)|correlationId)\s*\}\}$/;

/** What a template may read of the request it answers. */
export interface RequestView {
  topic: string;
  partition: number;
  offset: string;
  timestamp: number;
  key: string | null;
  /** Parsed JSON when the value is JSON, else its text. */
  value: unknown;
  /** The first value of each header name, as text; a header without a value is null. */
  headers: Record<string, string | null>;
  correlationId: string;
}

/** The request as a template sees it: text key, JSON-or-text value, headers as text. */
export function viewOfRequest(record: RawRecord, correlationId: Buffer): RequestView {
  const text = record.value?.toString('utf8') ?? null;
  let value: unknown = text;
  if (text !== null) {
    try {
      value = JSON.parse(text);
    } catch {
      value = text;
    }
  }
  return {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    timestamp: record.timestamp,
    key: record.key?.toString('utf8') ?? null,
    value,
    headers: firstValues(record.headers),
    correlationId: formatCorrelationId(correlationId),
  };
}

function firstValues(headers: readonly RawHeader[]): Record<string, string | null> {
  const values: Record<string, string | null> = Object.create(null) as Record<string, string | null>;
  for (const h of headers) {
    if (!(h.name in values)) {
      values[h.name] = h.value === null ? null : formatCorrelationId(h.value);
    }
  }
  return values;
}

/** The field a path names (`request.value.items.0.sku`), or undefined when there is none. */
function lookup(path: string, request: RequestView): unknown {
  if (path === 'correlationId') {
    return request.correlationId;
  }
  let current: unknown = request;
  for (const part of path.split('.').slice(1)) {
    if (typeof current !== 'object' || current === null) {
      return undefined;
    }
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function asText(value: unknown): string {
  if (value === undefined || value === null) {
    return '';
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function fillText(text: string, request: RequestView): string {
  return text.replace(REQUEST_FIELD, (_whole, path: string) => asText(lookup(path, request)));
}

/** A string that is exactly one request field keeps the field's JSON type (a missing field becomes null). */
function fillJson(value: unknown, request: RequestView): unknown {
  if (typeof value === 'string') {
    const single = SINGLE_REQUEST_FIELD.exec(value);
    if (single) {
      return lookup(single[1], request) ?? null;
    }
    return fillText(value, request);
  }
  if (Array.isArray(value)) {
    return value.map((v) => fillJson(v, request));
  }
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillJson(v, request)]));
  }
  return value;
}

/**
 * Renders a reply. A JSON template stays JSON (a field used alone keeps its type); any other
 * template is text. Generated placeholders are expanded first, so request content is never
 * itself expanded.
 */
export function renderReply(template: string, request: RequestView, ctx: TemplateContext): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(template);
  } catch {
    return fillText(expandText(template, ctx), request);
  }
  return JSON.stringify(fillJson(expandJson(parsed, ctx), request));
}
