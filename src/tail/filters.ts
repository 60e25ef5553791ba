/**
 * Message filters: pure, combinable (every criterion must match), compiled once and applied to each
 * message as it arrives and again to everything retained when the filter changes.
 */
import type { MessageHeader } from '../core/message';
import { parseJsonValue } from './json';

/** The fields a filter reads; the record store hands out exactly this shape. */
export interface FilterableMessage {
  topic: string;
  /** null: no key ("" is an empty key). */
  key: string | null;
  value: string | null;
  /** In the record's order; undefined or empty when none. */
  headers: readonly MessageHeader[] | undefined;
  /** Message time, ms since the epoch. */
  timestamp: number;
}

export type JsonOperator = '=' | '!=' | '<' | '>' | 'contains' | 'exists';

/** One criterion; a filter is a list of them, all of which must match. */
export type FilterCriterion =
  | { kind: 'substring'; field: 'key' | 'value' | 'any'; text: string; caseSensitive?: boolean }
  | { kind: 'regex'; field: 'key' | 'value' | 'any'; pattern: string; flags?: string }
  /**
   * Some header `name`: any value when neither is given, a text value equal to `value`, or (isNull)
   * a header without a value. A base64-shown value matches its base64 text.
   */
  | { kind: 'header'; name: string; value?: string; isNull?: boolean }
  /** The key is missing (null) or empty (zero bytes): two different things. */
  | { kind: 'key'; is: 'null' | 'empty' }
  | { kind: 'json'; path: string; op: JsonOperator; operand?: string }
  | { kind: 'type'; field?: string; type: string }
  /** Message time in [from, to], ms since the epoch, both inclusive; a missing end is open. */
  | { kind: 'time'; from?: number; to?: number };

export type FilterSpec = FilterCriterion[];

export const JSON_OPERATORS: readonly JsonOperator[] = ['=', '!=', '<', '>', 'contains', 'exists'];

/** Fields a "message type" shortcut looks at when none is named, in order. */
export const TYPE_FIELDS = ['type', 'eventType', '@type', 'messageType', 'kind'];

export type MessagePredicate = (message: FilterableMessage) => boolean;

/**
 * What is wrong with a filter that arrives as untrusted data (webview, command arguments), in a
 * sentence, or undefined when it has the shape of a FilterSpec. compileFilter runs it too.
 */
export function filterSpecProblem(spec: unknown): string | undefined {
  if (!Array.isArray(spec)) {
    return 'A filter is a list of criteria.';
  }
  for (const [i, item] of spec.entries()) {
    const problem = criterionProblem(item);
    if (problem) {
      return `Filter criterion ${i + 1}: ${problem}`;
    }
  }
  return undefined;
}

export function isFilterSpec(spec: unknown): spec is FilterSpec {
  return filterSpecProblem(spec) === undefined;
}

const isStr = (v: unknown): v is string => typeof v === 'string';
const isOptStr = (v: unknown): boolean => v === undefined || typeof v === 'string';
const isField = (v: unknown): boolean => v === 'key' || v === 'value' || v === 'any';
const isOptTime = (v: unknown): boolean => v === undefined || (typeof v === 'number' && Number.isFinite(v));

function criterionProblem(item: unknown): string | undefined {
  if (typeof item !== 'object' || item === null) {
    return 'not an object.';
  }
  const c = item as Record<string, unknown>;
  switch (c.kind) {
    case 'substring':
      return isField(c.field) && isStr(c.text) && (c.caseSensitive === undefined || typeof c.caseSensitive === 'boolean')
        ? undefined
        : 'a substring needs field (key, value or any) and text.';
    case 'regex':
      return isField(c.field) && isStr(c.pattern) && isOptStr(c.flags) ? undefined : 'a regex needs field (key, value or any) and pattern.';
    case 'header':
      return isStr(c.name) && isOptStr(c.value) && (c.isNull === undefined || typeof c.isNull === 'boolean') && !(c.isNull === true && c.value !== undefined)
        ? undefined
        : 'a header criterion needs a name, and either a value or isNull (a header without a value).';
    case 'key':
      return c.is === 'null' || c.is === 'empty' ? undefined : 'a key criterion needs is: "null" or "empty".';
    case 'json':
      return isStr(c.path) && JSON_OPERATORS.includes(c.op as JsonOperator) && isOptStr(c.operand)
        ? undefined
        : `a JSON criterion needs a path and op (${JSON_OPERATORS.join(', ')}).`;
    case 'type':
      return isStr(c.type) && isOptStr(c.field) ? undefined : 'a message-type criterion needs a type.';
    case 'time':
      if (!isOptTime(c.from) || !isOptTime(c.to) || (c.from === undefined && c.to === undefined)) {
        return 'a time range needs from and/or to, in ms since the epoch.';
      }
      return c.from !== undefined && c.to !== undefined && (c.from as number) > (c.to as number)
        ? `the time range ends (${formatTime(c.to as number)}) before it starts (${formatTime(c.from as number)}).`
        : undefined;
    default:
      return `unknown kind ${JSON.stringify(c.kind)}.`;
  }
}

/** Compiles a filter; throws an Error with a readable sentence for a bad regex, path or time range. */
export function compileFilter(spec: FilterSpec): MessagePredicate {
  const problem = filterSpecProblem(spec);
  if (problem) {
    throw new Error(problem);
  }
  const tests = spec.map(compileCriterion);
  if (tests.length === 0) {
    return () => true;
  }
  return (message) => {
    // Parse the value at most once per message, and only if a JSON criterion needs it.
    const cache: JsonCache = { parsed: false, json: undefined };
    return tests.every((test) => test(message, cache));
  };
}

interface JsonCache {
  parsed: boolean;
  json: unknown;
}

type CriterionTest = (message: FilterableMessage, cache: JsonCache) => boolean;

function fieldTexts(message: FilterableMessage, field: 'key' | 'value' | 'any'): string[] {
  const texts: string[] = [];
  if (field !== 'value' && message.key !== null) {
    texts.push(message.key);
  }
  if (field !== 'key' && message.value !== null) {
    texts.push(message.value);
  }
  return texts;
}

function jsonOf(message: FilterableMessage, cache: JsonCache): unknown {
  if (!cache.parsed) {
    cache.parsed = true;
    cache.json = parseJsonValue(message.value);
  }
  return cache.json;
}

function compileCriterion(criterion: FilterCriterion): CriterionTest {
  switch (criterion.kind) {
    case 'substring': {
      const needle = criterion.caseSensitive ? criterion.text : criterion.text.toLowerCase();
      return (m) =>
        fieldTexts(m, criterion.field).some((t) => (criterion.caseSensitive ? t : t.toLowerCase()).includes(needle));
    }
    case 'regex': {
      let regex: RegExp;
      try {
        regex = new RegExp(criterion.pattern, (criterion.flags ?? '').replace(/[gy]/g, ''));
      } catch (error) {
        throw new Error(`The filter regex /${criterion.pattern}/ is not valid: ${(error as Error).message}`);
      }
      return (m) => fieldTexts(m, criterion.field).some((t) => regex.test(t));
    }
    case 'header':
      return (m) =>
        (m.headers ?? []).some(
          (h) =>
            h.name === criterion.name &&
            (criterion.isNull === true ? h.value === null : criterion.value === undefined || (h.value !== null && h.value.text === criterion.value)),
        );
    case 'key':
      return criterion.is === 'null' ? (m) => m.key === null : (m) => m.key === '';
    case 'json': {
      const path = parseJsonPath(criterion.path);
      return (m, cache) => compareJson(lookup(jsonOf(m, cache), path), criterion.op, criterion.operand);
    }
    case 'type': {
      const fields = criterion.field ? [parseJsonPath(criterion.field)] : TYPE_FIELDS.map((f) => [f]);
      return (m, cache) => {
        const json = jsonOf(m, cache);
        return fields.some((path) => {
          const found = lookup(json, path);
          return found !== undefined && (typeof found === 'string' ? found : JSON.stringify(found)) === criterion.type;
        });
      };
    }
    case 'time': {
      const from = criterion.from ?? -Infinity;
      const to = criterion.to ?? Infinity;
      return (m) => m.timestamp >= from && m.timestamp <= to;
    }
  }
}

/**
 * `a.b[0].c`, `$.a.b` or `a/b`: a list of property names and array indexes. Throws on an empty path.
 */
export function parseJsonPath(path: string): (string | number)[] {
  const trimmed = path.trim().replace(/^\$\.?/, '');
  const parts: (string | number)[] = [];
  for (const piece of trimmed.split(/[./]/)) {
    const match = /^([^[\]]*)((?:\[\d+\])*)$/.exec(piece);
    if (!match) {
      throw new Error(`The JSON path "${path}" is not valid: use names and [index], e.g. order.items[0].sku.`);
    }
    if (match[1]) {
      parts.push(match[1]);
    }
    for (const index of match[2].matchAll(/\[(\d+)\]/g)) {
      parts.push(Number(index[1]));
    }
  }
  if (parts.length === 0) {
    throw new Error('A JSON path is empty: name a field, e.g. status or order.total.');
  }
  return parts;
}

function lookup(json: unknown, path: (string | number)[]): unknown {
  let current = json;
  for (const part of path) {
    if (current === null || typeof current !== 'object') {
      return undefined;
    }
    current = (current as Record<string | number, unknown>)[part];
  }
  return current;
}

function compareJson(found: unknown, op: JsonOperator, operand: string | undefined): boolean {
  if (op === 'exists') {
    return found !== undefined;
  }
  if (found === undefined) {
    return false;
  }
  const wanted = operand ?? '';
  switch (op) {
    case '=':
      return equalsOperand(found, wanted);
    case '!=':
      return !equalsOperand(found, wanted);
    case '<':
    case '>': {
      const a = typeof found === 'number' ? found : Number(found);
      const b = Number(wanted);
      if (typeof found !== 'number' || Number.isNaN(b)) {
        // Strings compare as strings (ISO dates order correctly that way).
        const s = typeof found === 'string' ? found : JSON.stringify(found);
        return op === '<' ? s < wanted : s > wanted;
      }
      return op === '<' ? a < b : a > b;
    }
    case 'contains':
      if (Array.isArray(found)) {
        return found.some((item) => equalsOperand(item, wanted));
      }
      return (typeof found === 'string' ? found : JSON.stringify(found)).includes(wanted);
  }
}

/** `42` equals 42 and "42"; `true` equals true; `null` equals null; anything else by its text. */
function equalsOperand(found: unknown, wanted: string): boolean {
  if (typeof found === 'string') {
    return found === wanted;
  }
  if (typeof found === 'number') {
    return wanted.trim() !== '' && found === Number(wanted);
  }
  if (typeof found === 'boolean' || found === null) {
    return String(found) === wanted;
  }
  return JSON.stringify(found) === wanted;
}

/** A one-line description of a filter, for the panel's status line. */
export function describeFilter(spec: FilterSpec): string {
  return spec
    .map((c) => {
      switch (c.kind) {
        case 'substring':
          return `${c.field} contains "${c.text}"`;
        case 'regex':
          return `${c.field} ~ /${c.pattern}/`;
        case 'header':
          return c.isNull ? `header ${c.name} is null` : c.value === undefined ? `header ${c.name}` : `header ${c.name} = "${c.value}"`;
        case 'key':
          return c.is === 'null' ? 'no key (null)' : 'empty key';
        case 'json':
          return c.op === 'exists' ? `${c.path} exists` : `${c.path} ${c.op} ${c.operand ?? ''}`;
        case 'type':
          return `type = ${c.type}`;
        case 'time':
          return describeTimeRange(c.from, c.to);
      }
    })
    .join(' and ');
}

/** `time 2024-05-01 12:00:00.000 – 12:00:04.999 UTC` (the date once when both ends share it). */
export function describeTimeRange(from: number | undefined, to: number | undefined): string {
  if (from === undefined) {
    return `time ≤ ${formatTime(to ?? 0)} UTC`;
  }
  if (to === undefined) {
    return `time ≥ ${formatTime(from)} UTC`;
  }
  const a = formatTime(from);
  const b = formatTime(to);
  return `time ${a} – ${a.slice(0, 10) === b.slice(0, 10) ? b.slice(11) : b} UTC`;
}

/** `2024-05-01 12:00:00.000` (UTC), or the number itself when it is no valid time. */
export function formatTime(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? String(ms) : date.toISOString().replace('T', ' ').replace('Z', '');
}
