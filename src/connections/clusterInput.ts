import type { SaslMechanism, SaslSettings, TlsSettings } from '../core/brokerClient';
import { parseBootstrapServers } from './bootstrap';

/** A cluster as the user describes it (Add/Edit Cluster, import), before it gets an id. */
export interface ClusterInput {
  name: string;
  bootstrapServers: string;
  clientId?: string;
  sasl?: SaslSettings;
  tls?: TlsSettings;
  readOnly?: boolean;
}

export const SASL_MECHANISMS: readonly SaslMechanism[] = ['plain', 'scram-sha-256', 'scram-sha-512'];

/** The portable form of cluster definitions: what Export writes and Import reads. No secrets. */
export interface ClusterExport {
  format: 'mq-explorer.clusters';
  version: 1;
  clusters: ClusterInput[];
}

/**
 * Checks one imported or typed cluster. Returns the sentence saying what is wrong, naming the
 * entry, or undefined when it is usable.
 */
export function validateClusterInput(value: unknown, where: string): string | undefined {
  if (typeof value !== 'object' || value === null) {
    return `${where} is not an object.`;
  }
  const c = value as Record<string, unknown>;
  if (typeof c.name !== 'string' || !c.name.trim()) {
    return `${where} needs a "name".`;
  }
  if (typeof c.bootstrapServers !== 'string') {
    return `${where} ("${c.name}") needs "bootstrapServers" as a "host:port, host:port" string.`;
  }
  const parsed = parseBootstrapServers(c.bootstrapServers);
  if ('error' in parsed) {
    return `${where} ("${c.name}"): ${parsed.error}`;
  }
  if (c.clientId !== undefined && typeof c.clientId !== 'string') {
    return `${where} ("${c.name}"): "clientId" must be a string.`;
  }
  if (c.sasl !== undefined) {
    const sasl = c.sasl as Record<string, unknown> | null;
    if (!sasl || !SASL_MECHANISMS.includes(sasl.mechanism as SaslMechanism) || typeof sasl.username !== 'string') {
      return `${where} ("${c.name}"): "sasl" needs "mechanism" (${SASL_MECHANISMS.join(', ')}) and "username".`;
    }
    if ('password' in sasl) {
      return `${where} ("${c.name}"): passwords are not imported from files; remove "password" (you will be asked for it).`;
    }
  }
  if (c.tls !== undefined) {
    const tls = c.tls as Record<string, unknown> | null;
    if (!tls || typeof tls !== 'object') {
      return `${where} ("${c.name}"): "tls" must be an object.`;
    }
    for (const key of ['caFile', 'certFile', 'keyFile']) {
      if (tls[key] !== undefined && typeof tls[key] !== 'string') {
        return `${where} ("${c.name}"): "tls.${key}" must be a file path.`;
      }
    }
    if (tls.skipVerify !== undefined && typeof tls.skipVerify !== 'boolean') {
      return `${where} ("${c.name}"): "tls.skipVerify" must be true or false.`;
    }
  }
  return undefined;
}

/** Parses an export file: all entries valid, or an Error naming the first bad one (nothing half-imported). */
export function parseClusterExport(text: string): ClusterInput[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`The file is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const clusters = Array.isArray(data) ? data : (data as { clusters?: unknown } | null)?.clusters;
  if (!Array.isArray(clusters)) {
    throw new Error('The file has no "clusters" list. Export clusters from MQ Explorer to see the format.');
  }
  const names = new Set<string>();
  return clusters.map((entry: unknown, i) => {
    const problem = validateClusterInput(entry, `Entry ${i + 1}`);
    if (problem) {
      throw new Error(problem);
    }
    const c = entry as ClusterInput;
    if (names.has(c.name.trim())) {
      throw new Error(`Entry ${i + 1}: the name "${c.name}" appears twice in the file.`);
    }
    names.add(c.name.trim());
    return {
      name: c.name.trim(),
      bootstrapServers: c.bootstrapServers,
      ...(c.clientId ? { clientId: c.clientId } : {}),
      ...(c.sasl ? { sasl: { mechanism: c.sasl.mechanism, username: c.sasl.username } } : {}),
      ...(c.tls ? { tls: { ...c.tls } } : {}),
      ...(c.readOnly === true ? { readOnly: true } : {}),
    };
  });
}
