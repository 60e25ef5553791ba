/**
 * Turns editor or file content into messages, by shape: plain text (one message), JSON (an object
 * is one message, an array one per element), JSONL/NDJSON (one per non-empty line). Applies the
 * envelope rule, templates and default key/headers/partition. Problems come back with their place.
 */
import type { OutgoingMessage } from '../core/brokerClient';
import { type HeaderInput, type MessageHeader, headerList } from '../core/message';
import { compactJson, memberText } from '../core/jsonSource';
import { type EnvelopeMode, EnvelopeError, envelopeToMessage, isEnvelope } from './envelope';
import { JsonSyntaxError, arrayElementRanges, parseJson, positionAt } from './jsonText';
import { type TemplateContext, expandJson, expandText } from './templates';
import type { ProduceShape, SourceIssue, SourceLine, SourceMessage } from './types';

export interface ShapeOptions {
  envelope: EnvelopeMode;
  /** Expand placeholders when set (one context per run, so `{{seq}}` keeps counting). */
  templates?: TemplateContext;
  /** Applied to messages that do not set their own. */
  defaults?: Pick<OutgoingMessage, 'key' | 'headers' | 'partition'>;
}

const JSONL_LANGUAGES = new Set(['jsonl', 'jsonlines', 'ndjson']);

/** Picks the shape from the language id, the file name and, for other files, the content. */
export function detectShape(languageId: string, fileName: string, text: string): ProduceShape {
  const lower = fileName.toLowerCase();
  if (JSONL_LANGUAGES.has(languageId) || lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) {
    return 'jsonl';
  }
  const trimmed = text.trimStart();
  const looksJson = trimmed.startsWith('{') || trimmed.startsWith('[');
  if (languageId === 'json' || languageId === 'jsonc' || lower.endsWith('.json') || looksJson) {
    try {
      JSON.parse(text);
      return 'json';
    } catch {
      // Several objects, one per line, are JSONL whatever the file is called.
      const lines = text.split('\n').filter((l) => l.trim().length > 0).slice(0, 5);
      if (lines.length > 1 && lines.every((l) => l.trimStart().startsWith('{'))) {
        return 'jsonl';
      }
      return languageId === 'json' || lower.endsWith('.json') ? 'json' : 'text';
    }
  }
  return 'text';
}

function withDefaults(message: OutgoingMessage, options: ShapeOptions): OutgoingMessage {
  const d = options.defaults;
  if (!d) {
    return message;
  }
  return {
    ...message,
    key: message.key ?? d.key,
    headers: message.headers ?? d.headers,
    partition: message.partition ?? d.partition,
  };
}

/**
 * One parsed JSON value as a message. Without templates or an envelope the source text is sent as
 * written (byte for byte); otherwise the result is compact JSON.
 */
export function messageFromJson(
  parsed: unknown,
  sourceText: string,
  options: ShapeOptions,
): { message: OutgoingMessage; parsedValue: unknown } {
  const envelope = options.envelope !== 'never' && isEnvelope(parsed);
  if (options.envelope === 'always' && !envelope) {
    throw new EnvelopeError('Expected an envelope: an object with "value" and only key, value, headers, partition, timestamp.');
  }
  if (envelope) {
    const expanded = options.templates ? (expandJson(parsed, options.templates) as Record<string, unknown>) : parsed;
    const { message, value } = envelopeToMessage(expanded);
    keepSourceJson(message, sourceText, expanded);
    return { message: withDefaults(message, options), parsedValue: value };
  }
  if (options.templates && sourceText.includes('{{')) {
    const expanded = expandJson(parsed, options.templates);
    return { message: withDefaults({ value: JSON.stringify(expanded) }, options), parsedValue: expanded };
  }
  return { message: withDefaults({ value: sourceText }, options), parsedValue: parsed };
}

/**
 * An envelope's key or value that is JSON (not a string) is sent as its source text, compacted:
 * re-serializing the parsed value would round numbers beyond 2^53 (64-bit ids) and rewrite `1.0`
 * or escapes. Not when placeholders were expanded in it (that text is generated anyway).
 */
function keepSourceJson(message: OutgoingMessage, sourceText: string, envelope: Record<string, unknown>): void {
  for (const field of ['key', 'value'] as const) {
    const parsed = envelope[field];
    if (parsed === null || parsed === undefined || typeof parsed === 'string') {
      continue;
    }
    const raw = memberText(sourceText, field);
    if (raw !== undefined && !raw.includes('{{')) {
      message[field] = compactJson(raw);
    }
  }
}

function issueAt(text: string, offset: number, base: { line: number; column: number }, message: string, kind: SourceIssue['kind']): SourceIssue {
  const at = positionAt(text, offset);
  return { line: base.line + at.line, column: at.line === 0 ? base.column + at.column : at.column, message, kind };
}

function applyTextTemplates(message: OutgoingMessage, options: ShapeOptions): OutgoingMessage {
  const t = options.templates;
  if (!t) {
    return message;
  }
  return {
    ...message,
    value: message.value === null ? null : expandText(message.value, t),
    key: message.key === undefined ? undefined : expandText(message.key, t),
    headers: message.headers && expandHeaders(message.headers, t),
  };
}

/** Text header values with placeholders expanded (null and base64 values stay as they are). */
function expandHeaders(headers: HeaderInput, t: TemplateContext): MessageHeader[] {
  return headerList(headers).map((h) => (h.value?.encoding === 'text' ? { name: h.name, value: { text: expandText(h.value.text, t), encoding: 'text' } } : h));
}

/** Whether some text header value holds a placeholder. */
export function hasHeaderPlaceholders(headers: HeaderInput | undefined): boolean {
  return headerList(headers).some((h) => h.value?.encoding === 'text' && h.value.text.includes('{{'));
}

/** Whether a JSONL line is a comment (`//` or `#`), which also carries `@topic`/`@cluster` directives. */
export function isCommentLine(text: string): boolean {
  const t = text.trimStart();
  return t.startsWith('//') || t.startsWith('#');
}

/** One JSONL line: a message, a problem, or undefined for blank and comment lines. */
export function parseJsonlLine(source: SourceLine, options: ShapeOptions): SourceMessage | SourceIssue | undefined {
  const text = source.text.endsWith('\r') ? source.text.slice(0, -1) : source.text;
  const trimmed = text.trim();
  if (trimmed.length === 0 || isCommentLine(trimmed)) {
    return undefined;
  }
  const column = text.length - text.trimStart().length;
  try {
    const parsed = parseJson(trimmed);
    const { message, parsedValue } = messageFromJson(parsed, trimmed, options);
    return { line: source.line, column, endLine: source.line, message: applyKeyTemplates(message, options), parsedValue };
  } catch (error) {
    if (error instanceof JsonSyntaxError) {
      return { line: source.line, column: column + error.offset, message: error.message, kind: 'syntax' };
    }
    return { line: source.line, column, message: (error as Error).message, kind: 'envelope' };
  }
}

/** Default keys and headers given as options may hold placeholders too. */
function applyKeyTemplates(message: OutgoingMessage, options: ShapeOptions): OutgoingMessage {
  const t = options.templates;
  if (!t || (!message.key?.includes('{{') && !hasHeaderPlaceholders(message.headers))) {
    return message;
  }
  return {
    ...message,
    key: message.key === undefined ? undefined : expandText(message.key, t),
    headers: message.headers && expandHeaders(message.headers, t),
  };
}

/**
 * Every message in an in-memory text (the editor's selection or file), starting at `origin`
 * (the selection's start) so lines and columns are the editor's.
 */
export function parseText(
  text: string,
  shape: ProduceShape,
  options: ShapeOptions,
  origin: { line: number; column: number } = { line: 0, column: 0 },
): (SourceMessage | SourceIssue)[] {
  if (shape === 'text') {
    const endLine = origin.line + positionAt(text, text.length).line;
    const message = applyTextTemplates(withDefaults({ value: text }, options), options);
    options.templates?.next();
    return [{ line: origin.line, column: origin.column, endLine, message }];
  }
  if (shape === 'jsonl') {
    const out: (SourceMessage | SourceIssue)[] = [];
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const item = parseJsonlLine({ line: origin.line + i, text: lines[i] }, options);
      if (item) {
        if (i === 0 && !isIssue(item) && origin.column > 0) {
          item.column += origin.column;
        }
        out.push(item);
        if (!isIssue(item)) {
          options.templates?.next();
        }
      }
    }
    return out;
  }
  let parsed: unknown;
  try {
    parsed = parseJson(text);
  } catch (error) {
    const offset = error instanceof JsonSyntaxError ? error.offset : 0;
    return [issueAt(text, offset, origin, (error as Error).message, 'syntax')];
  }
  const ranges = Array.isArray(parsed)
    ? arrayElementRanges(text)
    : [{ start: text.length - text.trimStart().length, end: text.trimEnd().length }];
  const values: unknown[] = Array.isArray(parsed) ? parsed : [parsed];
  return values.map((value, index) => {
    const range = ranges[index] ?? { start: 0, end: text.length };
    const start = positionAt(text, range.start);
    const base = { line: origin.line + start.line, column: start.line === 0 ? origin.column + start.column : start.column };
    // A whole-file object is sent exactly as written; array elements as their own source text.
    const source = Array.isArray(parsed) ? text.slice(range.start, range.end) : text;
    try {
      const { message, parsedValue } = messageFromJson(value, source, options);
      const endLine = origin.line + positionAt(text, range.end).line;
      options.templates?.next();
      return { ...base, endLine, message: applyKeyTemplates(message, options), parsedValue };
    } catch (error) {
      return { ...base, message: (error as Error).message, kind: 'envelope' as const };
    }
  });
}

/** Whether a parsed item is a problem rather than a message. */
export function isIssue(item: SourceMessage | SourceIssue): item is SourceIssue {
  return 'kind' in item;
}

/** `// @topic orders` and `// @cluster Local` at the top of a JSONL file (before the first message). */
export function readDirectives(lines: Iterable<string>): { topic?: string; cluster?: string } {
  const found: { topic?: string; cluster?: string } = {};
  for (const line of lines) {
    const t = line.trim();
    if (t.length === 0) {
      continue;
    }
    if (!isCommentLine(t)) {
      break;
    }
    for (const match of t.matchAll(/@(topic|cluster)\s+("[^"]+"|\S+)/g)) {
      found[match[1] as 'topic' | 'cluster'] = match[2].replace(/^"|"$/g, '');
    }
  }
  return found;
}
