/**
 * Contracts: a workspace setting maps topics (names, `*` globs or /regex/) to JSON Schema files;
 * each message's value is validated with ajv before anything is sent.
 */
import Ajv, { type ErrorObject } from 'ajv';

export interface ContractRule {
  /** Exact name, a glob with `*` and `?`, or a regular expression written as /…/. */
  topic: string;
  /** Path of the JSON Schema file (relative to the workspace folder). */
  schema: string;
}

/** Whether a topic pattern matches a topic name. */
export function topicMatches(pattern: string, topic: string): boolean {
  if (pattern.length > 2 && pattern.startsWith('/') && pattern.endsWith('/')) {
    try {
      return new RegExp(pattern.slice(1, -1)).test(topic);
    } catch {
      return false;
    }
  }
  if (!/[*?]/.test(pattern)) {
    return pattern === topic;
  }
  const regex = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(topic);
}

/** The first rule whose pattern matches the topic. */
export function findContract(rules: readonly ContractRule[], topic: string): ContractRule | undefined {
  return rules.find((rule) => typeof rule?.topic === 'string' && topicMatches(rule.topic, topic));
}

/** Returns a sentence describing why the value breaks the contract, or undefined when it conforms. */
export type ContractValidator = (value: unknown) => string | undefined;

function describe(errors: ErrorObject[] | null | undefined): string {
  const first = errors?.[0];
  if (!first) {
    return 'does not match the schema';
  }
  const where = first.instancePath.length > 0 ? first.instancePath : '(the value)';
  const extra =
    first.keyword === 'additionalProperties'
      ? ` "${String((first.params as { additionalProperty?: string }).additionalProperty)}"`
      : first.keyword === 'enum'
        ? `: ${JSON.stringify((first.params as { allowedValues?: unknown }).allowedValues)}`
        : '';
  return `${where} ${first.message ?? 'is invalid'}${extra}`;
}

/** Compiles a JSON Schema; throws with the reason when the schema itself is invalid. */
export function compileContract(schema: unknown, name: string): ContractValidator {
  const ajv = new Ajv({ allErrors: false, strict: false });
  let validate;
  try {
    validate = ajv.compile(schema as object);
  } catch (error) {
    throw new Error(`The contract schema ${name} is not a valid JSON Schema: ${(error as Error).message}`);
  }
  return (value) => (validate(value) ? undefined : `Breaks the contract ${name}: ${describe(validate.errors)}`);
}
