/**
 * Placeholders for generated data: `{{uuid}}`, `{{seq}}`, `{{int 1 100}}`, `{{faker.person.fullName}}`…
 * (the list is in README "Producing from files"). Names that are not placeholders stay as written,
 * so ordinary text with braces is sent untouched.
 */
import { faker } from '@faker-js/faker';
import { randomUUID } from 'node:crypto';

const PLACEHOLDER = /\{\{\s*([A-Za-z][\w.]*)((?:\s+[^\s}]+)*)\s*\}\}/g;

/** Per-run state: the sequence counter advances once per generated message. */
export class TemplateContext {
  private sequence: number;
  constructor(start = 1) {
    this.sequence = start;
  }
  /** The sequence number of the message being generated. */
  get seq(): number {
    return this.sequence;
  }
  /** Call after each message so `{{seq}}` counts messages, not occurrences. */
  next(): void {
    this.sequence++;
  }
}

type Generator = (args: string[], ctx: TemplateContext) => string | number | boolean;

function num(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return value !== undefined && Number.isFinite(n) ? n : fallback;
}

const GENERATORS: Record<string, Generator> = {
  uuid: () => randomUUID(),
  seq: (_args, ctx) => ctx.seq,
  now: () => new Date().toISOString(),
  timestamp: () => Date.now(),
  int: ([min, max]) => faker.number.int({ min: num(min, 0), max: num(max, 1000) }),
  float: ([min, max, digits]) =>
    faker.number.float({ min: num(min, 0), max: num(max, 1), fractionDigits: num(digits, 2) }),
  bool: () => faker.datatype.boolean(),
  pick: (args) => faker.helpers.arrayElement(args.length > 0 ? args : ['']),
  name: () => faker.person.fullName(),
  firstName: () => faker.person.firstName(),
  lastName: () => faker.person.lastName(),
  email: () => faker.internet.email(),
  phone: () => faker.phone.number(),
  city: () => faker.location.city(),
  country: () => faker.location.country(),
  street: () => faker.location.streetAddress(),
  company: () => faker.company.name(),
  word: () => faker.lorem.word(),
  sentence: () => faker.lorem.sentence(),
  date: () => faker.date.recent().toISOString(),
};

/** `faker.<module>.<method>` (no arguments), e.g. faker.commerce.productName; undefined when there is no such method. */
function fakerCall(path: string): string | number | boolean | undefined {
  const parts = path.split('.').slice(1);
  if (parts.length !== 2) {
    return undefined;
  }
  const module = (faker as unknown as Record<string, unknown>)[parts[0]];
  if (typeof module !== 'object' || module === null) {
    return undefined;
  }
  const method = (module as Record<string, unknown>)[parts[1]];
  if (typeof method !== 'function') {
    return undefined;
  }
  const result: unknown = (method as () => unknown).call(module);
  return typeof result === 'string' || typeof result === 'number' || typeof result === 'boolean'
    ? result
    : result instanceof Date
      ? result.toISOString()
      : JSON.stringify(result);
}

function generate(name: string, rawArgs: string, ctx: TemplateContext): string | number | boolean | undefined {
  const args = rawArgs.trim().length > 0 ? rawArgs.trim().split(/\s+/) : [];
  if (name.startsWith('faker.')) {
    return fakerCall(name);
  }
  const generator = GENERATORS[name];
  return generator ? generator(args, ctx) : undefined;
}

/** Whether a text holds at least one placeholder (cheap check before expanding). */
export function hasPlaceholder(text: string): boolean {
  return text.includes('{{');
}

/** Replaces every known placeholder in a text. */
export function expandText(text: string, ctx: TemplateContext): string {
  if (!hasPlaceholder(text)) {
    return text;
  }
  return text.replace(PLACEHOLDER, (whole, name: string, args: string) => {
    const value = generate(name, args, ctx);
    return value === undefined ? whole : String(value);
  });
}

/**
 * Expands placeholders inside parsed JSON. A string that is exactly one placeholder takes the
 * generated type, so `"qty": "{{int 1 5}}"` becomes a number and `"ok": "{{bool}}"` a boolean.
 */
export function expandJson(value: unknown, ctx: TemplateContext): unknown {
  if (typeof value === 'string') {
    if (!hasPlaceholder(value)) {
      return value;
    }
    const single = /^\{\{\s*([A-Za-z][\w.]*)((?:\s+[^\s}]+)*)\s*\}\}$/.exec(value);
    if (single) {
      const generated = generate(single[1], single[2], ctx);
      return generated === undefined ? value : generated;
    }
    return expandText(value, ctx);
  }
  if (Array.isArray(value)) {
    return value.map((v) => expandJson(v, ctx));
  }
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expandJson(v, ctx)]));
  }
  return value;
}
