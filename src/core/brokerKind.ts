/**
 * A broker kind: everything the rest of the extension needs to know about one kind of broker,
 * supplied by its folder under src/brokers/<kind>/ and registered in src/brokers/registry.ts.
 * Features and UI reach a kind only through this definition and the capabilities of its clients,
 * never by importing the broker folder. Nothing here imports `vscode`.
 */
import type { BrokerClient, BrokerKind, ClusterDefinition, ClusterSecrets, Logger } from './brokerClient';

/** Options every kind's client factory gets. */
export interface ClientFactoryOptions {
  logger: Logger;
  /** Upper bound for a single user-visible broker call. */
  requestTimeoutMs: number;
  /** Reads the connection's secrets when the client first connects (never earlier). */
  secrets: () => Promise<ClusterSecrets>;
}

/** How a kind names its destinations and what it accepts as a name. */
export interface DestinationRules {
  /** The destination's noun in messages and prompts: "topic". */
  readonly noun: string;
  /** A sentence saying why `name` is not legal, or undefined when it is. */
  validateName(name: string): string | undefined;
  /** An existing destination the new name would clash with (Kafka: "." and "_" in metric names). */
  findCollision(name: string, existing: readonly string[]): string | undefined;
  /** Settings commonly given when creating one, with the broker's defaults (shown as a hint). */
  readonly commonSettings: Readonly<Record<string, string>>;
  /** Parses "name=value, name=value": the settings, or a sentence saying what is wrong. */
  parseSettings(text: string): Record<string, string> | string;
}

/** What producing from files needs to know about a kind. */
export interface ProduceRules {
  /** Compression names a produce request may ask for. */
  readonly compressionNames: readonly string[];
  /** The partition the broker's default partitioner picks for a key, for a destination of `partitionCount` partitions. */
  partitionerFor(partitionCount: number): (key: string | Buffer) => number;
}

export interface BrokerKindDefinition {
  readonly kind: BrokerKind;
  /** How the UI names the kind: "Apache Kafka". */
  readonly title: string;
  createClient(definition: ClusterDefinition, options: ClientFactoryOptions): BrokerClient;
  readonly destinations: DestinationRules;
  readonly produce: ProduceRules;
}

/** The registered kinds; built once in src/brokers/registry.ts and handed to the services. */
export class BrokerKindRegistry {
  private readonly kinds = new Map<BrokerKind, BrokerKindDefinition>();

  constructor(definitions: readonly BrokerKindDefinition[]) {
    for (const definition of definitions) {
      if (this.kinds.has(definition.kind)) {
        throw new Error(`The broker kind "${definition.kind}" is registered twice.`);
      }
      this.kinds.set(definition.kind, definition);
    }
  }

  /** The kind's definition, or an error a user can act on for a connection of an unknown kind. */
  get(kind: BrokerKind): BrokerKindDefinition {
    const definition = this.kinds.get(kind);
    if (!definition) {
      throw new Error(`Connections of kind "${String(kind)}" are not supported by this version of the extension.`);
    }
    return definition;
  }

  list(): BrokerKindDefinition[] {
    return [...this.kinds.values()];
  }

  /** The client for a connection, built by its kind. */
  createClient(definition: ClusterDefinition, options: ClientFactoryOptions): BrokerClient {
    return this.get(definition.kind).createClient(definition, options);
  }
}
