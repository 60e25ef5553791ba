/**
 * Message filters: pure, combinable (every criterion must match), compiled once and applied to each
 * message as it arrives and again to everything retained when the filter changes.
 */
import { parseJsonValue } from './json';

/** The fields a filter reads; the record store hands out exactly this shape. */
export interface FilterableMessage {
  topic: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string> | undefined;
}

export type JsonOperator = '=' | '!=' | '<' | '>' | 'contains' | 'exists';

/** One criterion; a filter is a list of them, all of which must match. */
export type FilterCriterion =
  | { kind: 'substring'; field: 'key' | 'value' | 'any'; text: string; caseSensitive?: boolean }
  | { kind: 'regex'; field: 'key' | 'value' | 'any'; pattern: string; flags?: string }
  | { kind: 'header'; name: string; value?: string }
  | { kind: 'json'; path: string; op: JsonOperator; operand?: string }
  | { kind: 'type'; field?: string; type: string };

export type FilterSpec = FilterCriterion[];

/** Fields a "message type" shortcut looks at when none is named, in order. */
export const TYPE_FIELDS = ['type', 'eventType', '@type', 'messageType', 'kind'];

export type MessagePredicate = (message: FilterableMessage) => boolean;

/** Compiles a filter; throws an Error with a readable sentence for a bad regex or path. */
export function compileFilter(spec: FilterSpec): MessagePredicate {
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
      return (m) => {
        const value = m.headers?.[criterion.name];
        return value !== undefined && (criterion.value === undefined || value === criterion.value);
      };
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
          return c.value === undefined ? `header ${c.name}` : `header ${c.name} = "${c.value}"`;
        case 'json':
          return c.op === 'exists' ? `${c.path} exists` : `${c.path} ${c.op} ${c.operand ?? ''}`;
        case 'type':
          return `type = ${c.type}`;
      }
    })
    .join(' and ');
}
