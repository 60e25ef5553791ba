import * as vscode from 'vscode';
import type { ClusterSecrets, OAuthBearerSettings, SaslMechanism, TlsSettings } from '../../core/brokerClient';
import { parseBootstrapServers } from '../../connections/bootstrap';
import { type ClusterInput, formatSaslExtensions, parseSaslExtensions, tokenEndpointProblem } from '../../connections/clusterInput';
import { UserCancelled } from '../commandRegistry';

/** What the Add/Edit Cluster flow produces: the definition and the secrets typed in it. */
export interface ClusterFormResult {
  input: ClusterInput;
  /** Only the secrets the user typed; an omitted field means "keep what is stored". */
  secrets: ClusterSecrets;
}

export interface ClusterFormOptions {
  title: string;
  initial?: ClusterInput;
  /** Names already taken (the edited cluster's own name excluded). */
  takenNames: Set<string>;
  /** Editing: an empty password (or OAuth client secret) keeps the stored one. */
  hasStoredPassword?: boolean;
}

type Step = { label: string; step: number };
const TOTAL = 4;

/**
 * The guided Add/Edit Cluster flow: servers, name, authentication, TLS, each step prefilled when
 * editing. Dismissing any step cancels the whole flow (UserCancelled).
 */
export async function runClusterForm(options: ClusterFormOptions): Promise<ClusterFormResult> {
  const initial = options.initial;
  const step = (n: number, label: string): Step => ({ step: n, label });
  const bootstrapServers = await input(options.title, step(1, 'bootstrap servers'), {
    prompt: 'Comma-separated host:port list of one or more brokers',
    value: initial?.bootstrapServers ?? 'localhost:9092',
    validateInput: (text) => {
      const parsed = parseBootstrapServers(text);
      return 'error' in parsed ? parsed.error : undefined;
    },
  });
  const name = (
    await input(options.title, step(2, 'name'), {
      prompt: 'The name shown in the Clusters view',
      value: initial?.name ?? suggestName(bootstrapServers, options.takenNames),
      validateInput: (text) =>
        !text.trim() ? 'Enter a name.' : options.takenNames.has(text.trim()) ? 'A cluster with this name exists.' : undefined,
    })
  ).trim();
  const clientId = (
    await input(options.title, step(2, 'client id'), {
      prompt: 'The client id brokers see in their logs and quotas (optional; default "mq-explorer")',
      value: initial?.clientId ?? '',
      validateInput: (text) => (/^[\w.-]*$/.test(text.trim()) ? undefined : 'Use letters, digits, ".", "_" and "-".'),
    })
  ).trim();
  const secrets: ClusterSecrets = {};
  const sasl = await askSasl(options, secrets);
  const tls = await askTls(options, secrets);
  return {
    input: { name, bootstrapServers, ...(clientId ? { clientId } : {}), ...(sasl ? { sasl } : {}), ...(tls ? { tls } : {}) },
    secrets,
  };
}

async function askSasl(options: ClusterFormOptions, secrets: ClusterSecrets): Promise<ClusterInput['sasl']> {
  const initial = options.initial?.sasl;
  const choices: { label: string; description: string; mechanism?: SaslMechanism }[] = [
    { label: 'No authentication', description: 'plain connection, or TLS only' },
    { label: 'SASL/PLAIN', description: 'user name and password (use with TLS outside a trusted network)', mechanism: 'plain' },
    { label: 'SASL/SCRAM-SHA-256', description: 'user name and password, salted challenge', mechanism: 'scram-sha-256' },
    { label: 'SASL/SCRAM-SHA-512', description: 'user name and password, salted challenge', mechanism: 'scram-sha-512' },
    { label: 'SASL/OAUTHBEARER (OAuth client credentials)', description: 'token endpoint, client id and secret (OIDC, e.g. Keycloak)', mechanism: 'oauthbearer' },
  ];
  const picked = await pick(options.title, { step: 3, label: 'authentication' }, choices, (c) => c.mechanism === initial?.mechanism);
  const mechanism = picked.mechanism;
  if (!mechanism) {
    if (initial) {
      secrets.password = undefined; // switching SASL off forgets the stored password
    }
    return undefined;
  }
  // A stored password is kept only within its kind: never reused as an OAuth client secret or the reverse.
  const sameKind = initial !== undefined && (initial.mechanism === 'oauthbearer') === (mechanism === 'oauthbearer');
  const keep = options.hasStoredPassword === true && sameKind;
  if (mechanism === 'oauthbearer') {
    const sasl = await askOAuth(options.title, initial?.mechanism === 'oauthbearer' ? initial : undefined);
    await askSecret(options.title, 'client secret', keep, secrets);
    return sasl;
  }
  const username = await input(options.title, { step: 3, label: 'user name' }, {
    value: initial?.mechanism !== 'oauthbearer' ? (initial?.username ?? '') : '',
    validateInput: (text) => (text.trim() ? undefined : 'Enter the user name.'),
  });
  await askSecret(options.title, 'password', keep, secrets);
  return { mechanism, username: username.trim() };
}

async function askOAuth(title: string, initial: OAuthBearerSettings | undefined): Promise<OAuthBearerSettings> {
  const tokenEndpoint = await input(title, { step: 3, label: 'token endpoint' }, {
    prompt: "The identity provider's OAuth 2.0 token URL (Keycloak: https://host/realms/<realm>/protocol/openid-connect/token)",
    value: initial?.tokenEndpoint ?? '',
    validateInput: (text) => tokenEndpointProblem(text),
  });
  const clientId = await input(title, { step: 3, label: 'OAuth client id' }, {
    prompt: 'The client id registered at the identity provider (a service account)',
    value: initial?.clientId ?? '',
    validateInput: (text) => (text.trim() ? undefined : 'Enter the OAuth client id.'),
  });
  const scope = await input(title, { step: 3, label: 'scope' }, {
    prompt: 'Space-separated scopes to request (optional; leave empty if the provider needs none)',
    value: initial?.scope ?? '',
  });
  const extensionsText = await input(title, { step: 3, label: 'SASL extensions' }, {
    prompt: 'Optional name=value pairs the brokers expect beside the token, e.g. logicalCluster=lkc-123, identityPoolId=pool-abc (Confluent Cloud)',
    value: formatSaslExtensions(initial?.extensions),
    validateInput: (text) => {
      const parsed = parseSaslExtensions(text);
      return 'error' in parsed ? parsed.error : undefined;
    },
  });
  const parsed = parseSaslExtensions(extensionsText);
  const extensions = 'extensions' in parsed && Object.keys(parsed.extensions).length > 0 ? parsed.extensions : undefined;
  return {
    mechanism: 'oauthbearer',
    tokenEndpoint: tokenEndpoint.trim(),
    clientId: clientId.trim(),
    ...(scope.trim() ? { scope: scope.trim() } : {}),
    ...(extensions ? { extensions } : {}),
  };
}

/** The password or client secret, into `secrets.password`; with `keep`, empty keeps the stored one. */
async function askSecret(title: string, what: 'password' | 'client secret', keep: boolean, secrets: ClusterSecrets): Promise<void> {
  const value = await input(title, { step: 3, label: what }, {
    password: true,
    prompt: keep ? `Leave empty to keep the stored ${what}. Stored in VS Code secret storage only.` : 'Stored in VS Code secret storage only.',
    validateInput: (text) => (text || keep ? undefined : `Enter the ${what}.`),
  });
  if (value) {
    secrets.password = value;
  }
}

type TlsChoice = 'off' | 'system' | 'ca' | 'mtls' | 'insecure';

async function askTls(options: ClusterFormOptions, secrets: ClusterSecrets): Promise<TlsSettings | undefined> {
  const tls = options.initial?.tls;
  const current: TlsChoice = !tls ? 'off' : tls.skipVerify ? 'insecure' : tls.certFile ? 'mtls' : tls.caFile ? 'ca' : 'system';
  const choices: { label: string; description?: string; detail?: string; choice: TlsChoice }[] = [
    { label: 'No TLS', description: 'plaintext', choice: 'off' },
    { label: 'TLS, system certificate authorities', choice: 'system' },
    { label: 'TLS, custom CA certificate…', description: 'a PEM file, e.g. for a self-signed cluster CA', choice: 'ca' },
    { label: 'Mutual TLS (client certificate)…', description: 'CA, client certificate and key PEM files', choice: 'mtls' },
    {
      label: '$(warning) TLS without verification (insecure)',
      detail: 'Accepts any certificate and host name: anyone on the network path can read and change the traffic. For local experiments only.',
      choice: 'insecure',
    },
  ];
  const picked = await pick(options.title, { step: 4, label: 'TLS' }, choices, (c) => c.choice === current);
  switch (picked.choice) {
    case 'off':
      return undefined;
    case 'system':
      return {};
    case 'insecure':
      return { skipVerify: true };
    case 'ca':
      return { caFile: await pickFile('CA certificate (PEM)', tls?.caFile) };
    case 'mtls': {
      const caFile = await pickFile('CA certificate (PEM), or cancel to use the system CAs', tls?.caFile, true);
      const certFile = await pickFile('client certificate (PEM)', tls?.certFile);
      const keyFile = await pickFile('client private key (PEM)', tls?.keyFile);
      const passphrase = await input(options.title, { step: 4, label: 'key passphrase' }, {
        password: true,
        prompt: 'Only if the key is encrypted; leave empty otherwise.',
      });
      secrets.keyPassphrase = passphrase || undefined;
      return { ...(caFile ? { caFile } : {}), certFile, keyFile };
    }
  }
}

async function input(title: string, step: Step, options: vscode.InputBoxOptions): Promise<string> {
  const value = await vscode.window.showInputBox({ title: `${title} (${step.step}/${TOTAL}): ${step.label}`, ignoreFocusOut: true, ...options });
  if (value === undefined) {
    throw new UserCancelled();
  }
  return value;
}

async function pick<T extends vscode.QuickPickItem>(title: string, step: Step, items: T[], isCurrent: (item: T) => boolean): Promise<T> {
  const ordered = [...items.filter(isCurrent), ...items.filter((i) => !isCurrent(i))];
  const picked = await vscode.window.showQuickPick(ordered, { title: `${title} (${step.step}/${TOTAL}): ${step.label}`, ignoreFocusOut: true });
  if (!picked) {
    throw new UserCancelled();
  }
  return picked;
}

async function pickFile(what: string, current: string | undefined, optional = false): Promise<string> {
  const uris = await vscode.window.showOpenDialog({
    title: `Choose the ${what}`,
    canSelectMany: false,
    defaultUri: current ? vscode.Uri.file(current) : undefined,
    filters: { 'PEM files': ['pem', 'crt', 'cer', 'key'], 'All files': ['*'] },
  });
  if (!uris?.[0]) {
    if (optional) {
      return '';
    }
    throw new UserCancelled();
  }
  return uris[0].fsPath;
}

function suggestName(servers: string, taken: Set<string>): string {
  const host = servers.split(/[,\s]+/)[0]?.split(':')[0] || 'cluster';
  const base = host === 'localhost' || host === '127.0.0.1' ? 'Local' : host;
  let name = base;
  for (let n = 2; taken.has(name); n++) {
    name = `${base} ${n}`;
  }
  return name;
}
