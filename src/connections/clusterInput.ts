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

export const SASL_MECHANISMS: readonly SaslMechanism[] = ['plain', 'scram-sha-256', 'scram-sha-512', 'oauthbearer'];

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
    const problem = validateSasl(c.sasl);
    if (problem) {
      return `${where} ("${c.name}"): ${problem}`;
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

/** What is wrong with a "sasl" object, or undefined when it is usable. */
function validateSasl(value: unknown): string | undefined {
  const sasl = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  if (!sasl || !SASL_MECHANISMS.includes(sasl.mechanism as SaslMechanism)) {
    return `"sasl" needs a "mechanism" (${SASL_MECHANISMS.join(', ')}).`;
  }
  if ('password' in sasl || 'clientSecret' in sasl) {
    return 'secrets are not imported from files; remove "password" (you will be asked for it).';
  }
  if (sasl.mechanism !== 'oauthbearer') {
    return typeof sasl.username === 'string' ? undefined : `"sasl" with ${String(sasl.mechanism)} needs a "username".`;
  }
  if (typeof sasl.clientId !== 'string' || !sasl.clientId.trim()) {
    return '"sasl" with oauthbearer needs a "clientId" (the OAuth client id).';
  }
  if (sasl.scope !== undefined && typeof sasl.scope !== 'string') {
    return '"sasl.scope" must be a string of space-separated scopes.';
  }
  if (sasl.extensions !== undefined) {
    const entries = typeof sasl.extensions === 'object' && sasl.extensions !== null ? Object.entries(sasl.extensions) : undefined;
    const problem = entries ? saslExtensionsProblem(entries) : 'must be an object of names and values';
    if (problem) {
      return `"sasl.extensions" ${problem}.`;
    }
  }
  return tokenEndpointProblem(sasl.tokenEndpoint);
}

/**
 * Why a token endpoint is not usable (not an http or https URL), or undefined when it is.
 * Shared by the Add/Edit Cluster form and imports.
 */
export function tokenEndpointProblem(value: unknown): string | undefined {
  const text = typeof value === 'string' ? value.trim() : '';
  let url: URL | undefined;
  try {
    url = text ? new URL(text) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
    return 'The token endpoint must be an http:// or https:// URL, e.g. https://keycloak.example.com/realms/kafka/protocol/openid-connect/token.';
  }
  if (url.username || url.password) {
    return 'Put no user name or password in the token endpoint URL; the client id and secret are asked separately.';
  }
  return undefined;
}

/** RFC 7628 3.1: extension names are letters ("auth" is the token's own), values printable ASCII. */
function saslExtensionsProblem(entries: [string, unknown][]): string | undefined {
  for (const [key, value] of entries) {
    if (!/^[A-Za-z]+$/.test(key) || key === 'auth') {
      return `has the name "${key}": use letters only (not "auth")`;
    }
    if (typeof value !== 'string' || !/^[\x21-\x7E \t\r\n]+$/.test(value)) {
      return `"${key}" needs a value of printable ASCII characters`;
    }
  }
  return undefined;
}

/**
 * Reads SASL extensions typed as `name=value, name=value` (empty: none). Pure; shared by the
 * Add/Edit Cluster form.
 */
export function parseSaslExtensions(text: string): { extensions: Record<string, string> } | { error: string } {
  const extensions: Record<string, string> = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) {
      return { error: `"${part}" is not name=value.` };
    }
    extensions[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  const problem = saslExtensionsProblem(Object.entries(extensions));
  return problem ? { error: `The extension list ${problem}.` } : { extensions };
}

/** SASL extensions as the form shows them: `name=value, name=value`. */
export function formatSaslExtensions(extensions: Record<string, string> | undefined): string {
  return Object.entries(extensions ?? {})
    .map(([key, value]) => `${key}=${value}`)
    .join(', ');
}

/** A clean copy of SASL settings: only the known fields, trimmed (never a secret). */
export function normalizeSasl(sasl: SaslSettings): SaslSettings {
  if (sasl.mechanism !== 'oauthbearer') {
    return { mechanism: sasl.mechanism, username: sasl.username };
  }
  const scope = sasl.scope?.trim();
  const extensions = sasl.extensions && Object.keys(sasl.extensions).length > 0 ? { ...sasl.extensions } : undefined;
  return {
    mechanism: 'oauthbearer',
    tokenEndpoint: sasl.tokenEndpoint.trim(),
    clientId: sasl.clientId.trim(),
    ...(scope ? { scope } : {}),
    ...(extensions ? { extensions } : {}),
  };
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
      ...(c.sasl ? { sasl: normalizeSasl(c.sasl) } : {}),
      ...(c.tls ? { tls: { ...c.tls } } : {}),
      ...(c.readOnly === true ? { readOnly: true } : {}),
    };
  });
}
