import * as vscode from 'vscode';
import type { ClusterSecrets } from '../../core/brokerClient';
import type { ClusterInput } from '../../connections/clusterInput';
import { validateClusterInput } from '../../connections/clusterInput';
import { UserCancelled } from '../commandRegistry';
import { type CommandContext, objectArg } from '../context';

export type ConnectionVerdict = { ok: true; brokers: number } | { ok: false; message: string };

/** "Test connection": a throwaway client describes the cluster, with progress. */
export async function checkConnection(
  ctx: CommandContext,
  input: ClusterInput,
  secrets: ClusterSecrets,
  storedOf?: string,
): Promise<ConnectionVerdict> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Testing the connection to ${input.bootstrapServers}…` },
    async () => {
      try {
        const described = await ctx.connections.testConnection(input, secrets, storedOf);
        return { ok: true, brokers: described.brokers.length };
      } catch (error) {
        return { ok: false, message: error instanceof Error ? error.message : String(error) };
      }
    },
  );
}

/** After a failed test: save anyway, go back to the form, or stop. */
export async function askAfterFailure(message: string): Promise<'save' | 'edit'> {
  const choice = await vscode.window.showQuickPick(
    [
      { label: '$(edit) Edit the settings', detail: message, value: 'edit' as const },
      { label: '$(save) Save anyway', description: 'e.g. to start the cluster later', value: 'save' as const },
      { label: '$(close) Cancel', value: 'cancel' as const },
    ],
    { title: 'The connection test failed', placeHolder: message, ignoreFocusOut: true },
  );
  if (!choice || choice.value === 'cancel') {
    throw new UserCancelled();
  }
  return choice.value;
}

/**
 * A cluster given as a command argument (tests, keybindings, other extensions):
 * `{ name, bootstrapServers, clientId?, sasl?: { mechanism, username, password }, tls?: { caFile?, certFile?, keyFile?, keyPassphrase?, skipVerify? } }`;
 * with OAUTHBEARER `sasl` is `{ mechanism: 'oauthbearer', tokenEndpoint, clientId, scope?, clientSecret }`.
 * Returns undefined when the argument does not describe a cluster.
 */
export function clusterFromArg(arg: unknown): { input: ClusterInput; secrets: ClusterSecrets } | undefined {
  const given = objectArg(arg);
  if (typeof given.bootstrapServers !== 'string' || typeof given.name !== 'string') {
    return undefined;
  }
  const sasl = objectArg(given.sasl);
  const tls = objectArg(given.tls);
  const { password, clientSecret, ...saslRest } = sasl;
  const { keyPassphrase, ...tlsRest } = tls;
  const input = {
    name: given.name,
    bootstrapServers: given.bootstrapServers,
    ...(typeof given.clientId === 'string' ? { clientId: given.clientId } : {}),
    ...(given.sasl ? { sasl: saslRest } : {}),
    ...(given.tls ? { tls: tlsRest } : {}),
    ...(given.readOnly === true ? { readOnly: true } : {}),
  };
  const problem = validateClusterInput(input, 'The cluster');
  if (problem) {
    throw new Error(problem);
  }
  const secrets: ClusterSecrets = {};
  const secret = clientSecret ?? password;
  if (typeof secret === 'string') {
    secrets.password = secret;
  }
  if (typeof keyPassphrase === 'string') {
    secrets.keyPassphrase = keyPassphrase;
  }
  return { input: input as ClusterInput, secrets };
}
