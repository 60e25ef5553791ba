/**
 * Typed capabilities: what a client can do beyond the neutral BrokerClient, each under a key that
 * declares, method by method, whether it writes. The read-only guard reads those declarations, so
 * a write cannot be reached on a read-only cluster without being declared one: the declaration is
 * a mapped type over every method, so a method added to a capability without a declaration does
 * not compile, and the guard exposes only declared methods. Nothing here imports `vscode`.
 */

/**
 * For each member of a capability: `false` when using it changes nothing on the broker, the words
 * naming what it changes ("creating topics"), or a function deciding per call (a tail writes only
 * when it commits as a shared group). Only promise-returning methods may write, so the guard can
 * always refuse with a rejected promise; a method that returns something that writes (a sender)
 * is itself declared a write and made async.
 */
export type WriteDeclaration<T> = {
  [K in keyof T]-?: T[K] extends (...args: infer A) => Promise<unknown> ? false | string | ((...args: A) => string | false) : false;
};

/** A capability's key: an id, a title for messages, and its write declaration. */
export interface Capability<T extends object> {
  readonly id: string;
  /** How messages name it: "topic administration". */
  readonly title: string;
  readonly writes: WriteDeclaration<T>;
}

/** Declares a capability. Ids are unique across kinds; the same key serves every kind that has it. */
export function defineCapability<T extends object>(id: string, title: string, writes: WriteDeclaration<T>): Capability<T> {
  return Object.freeze({ id, title, writes: Object.freeze({ ...writes }) });
}

/** True when the declaration marks any member of the capability as a (possible) write. */
export function mayWrite(capability: { readonly writes: object }): boolean {
  return Object.values(capability.writes).some((w) => w !== false);
}

/**
 * The words naming what a call would change, or undefined when it changes nothing. `args` are the
 * call's arguments (for declarations that decide per call).
 */
export function writeOf<T extends object>(capability: Capability<T>, member: keyof T, args: readonly unknown[] = []): string | undefined {
  // Widened on purpose: a per-call declaration gets the call's arguments as they came.
  const declared: unknown = capability.writes[member];
  if (declared === false || declared === undefined) {
    return undefined;
  }
  if (typeof declared === 'function') {
    const words: unknown = (declared as (...a: readonly unknown[]) => unknown)(...args);
    return typeof words === 'string' ? words : undefined;
  }
  return typeof declared === 'string' ? declared : undefined;
}

/** The implementations one client offers, each stored under its key. */
export class CapabilitySet {
  private readonly entries = new Map<string, object>();

  /** Adds an implementation; the type parameter ties it to its key, so `get` returns the same type. */
  add<T extends object>(capability: Capability<T>, implementation: T): this {
    if (this.entries.has(capability.id)) {
      throw new Error(`Capability "${capability.id}" is added twice.`);
    }
    this.entries.set(capability.id, implementation);
    return this;
  }

  get<T extends object>(capability: Capability<T>): T | undefined {
    // Sound: `add` is the only way in and stores an implementation of the key's type.
    return this.entries.get(capability.id) as T | undefined;
  }

  /** The ids of every capability in the set (for context keys and logs). */
  ids(): string[] {
    return [...this.entries.keys()];
  }
}

/**
 * An object exposing exactly the declared members of `implementation`: reads pass through, and
 * every declared write rejects with `refuse(words)` instead of running. Undeclared members (extra
 * methods of a concrete class) are not reachable through it.
 */
export function guardWrites<T extends object>(capability: Capability<T>, implementation: T, refuse: (words: string) => Error): T {
  const guarded: Record<string, unknown> = {};
  for (const member of Object.keys(capability.writes) as (keyof T & string)[]) {
    const value: unknown = implementation[member];
    if (typeof value !== 'function') {
      Object.defineProperty(guarded, member, { enumerable: true, get: () => implementation[member] });
      continue;
    }
    const method = value as (...args: unknown[]) => unknown;
    guarded[member] = (...args: unknown[]): unknown => {
      const words = writeOf(capability, member, args);
      return words === undefined ? method.apply(implementation, args) : Promise.reject(refuse(words));
    };
  }
  return guarded as T;
}
