import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ClusterEntry } from '../../../src/connections/connectionService';
import type { MqExplorerApi } from '../../../src/extension';
import { KafkaCluster } from '../../harness/kafkaCluster';
import { startTokenServer, type TokenServer } from '../../harness/tokenServer';
import { activateApi, nextReportedError, uniqueName } from './helpers';

const USER = { name: 'carol', password: 'Carol-S3cret-Value-7781' };
const OAUTH_CLIENT = { id: 'mqx-host-client', secret: 'OAuth-Host-S3cret-4410' };

/** Every file below a folder, as text. */
function readTree(dir: string): { file: string; text: string }[] {
  if (!fs.existsSync(dir)) {
    return [];
  }
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? readTree(full) : [{ file: full, text: fs.readFileSync(full, 'utf8') }];
  });
}

describe('Secured clusters: SASL, secrets, edit, export and import', function () {
  this.timeout(120_000);
  let api: MqExplorerApi;
  let kafka: KafkaCluster | undefined;
  let sasl: string;
  let tokens: TokenServer | undefined;
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqx-connections-'));

  before(async function () {
    api = await activateApi();
    kafka = await KafkaCluster.start({ security: { saslUsers: [USER] } });
    sasl = kafka.securedBootstrap('sasl');
    tokens = await startTokenServer({ clientId: OAUTH_CLIENT.id, clientSecret: OAUTH_CLIENT.secret });
  });

  after(async function () {
    this.timeout(60_000);
    await kafka?.stop();
    await tokens?.stop();
    fs.rmSync(tempDir, { recursive: true, force: true });
  });

  async function treeLoads(cluster: ClusterEntry): Promise<string[]> {
    const root = await api.clustersTree.getChildren();
    const node = root.find((n) => n.id === `cluster:${cluster.id}`);
    assert.ok(node, 'the cluster is not in the tree');
    return (await api.clustersTree.getChildren(node)).map((n) => {
      const label = n.toTreeItem().label;
      return typeof label === 'string' ? label : (label?.label ?? '');
    });
  }

  /** Label and description of every node under the cluster (an error node says why it failed). */
  async function treeLoadLines(cluster: ClusterEntry): Promise<string[]> {
    const node = (await api.clustersTree.getChildren()).find((n) => n.id === `cluster:${cluster.id}`);
    assert.ok(node, 'the cluster is not in the tree');
    return (await api.clustersTree.getChildren(node)).map((n) => {
      const item = n.toTreeItem();
      return `${typeof item.label === 'string' ? item.label : (item.label?.label ?? '')}: ${String(item.description ?? '')} ${typeof item.tooltip === 'string' ? item.tooltip : (item.tooltip?.value ?? '')}`;
    });
  }

  it('adds a SCRAM cluster that works, and keeps the password out of settings, globalState and logs', async () => {
    const cluster = await vscode.commands.executeCommand<ClusterEntry>('mqExplorer.addCluster', {
      name: uniqueName('scram'),
      bootstrapServers: sasl,
      sasl: { mechanism: 'scram-sha-512', username: USER.name, password: USER.password },
      requireConnection: true,
    });
    assert.ok(cluster, 'the cluster was not added');
    assert.deepEqual(await treeLoads(cluster), ['Brokers', 'Topics', 'Consumer Groups']);

    const settings = JSON.stringify(vscode.workspace.getConfiguration('mqExplorer'));
    const state = JSON.stringify(api.globalStateSnapshot());
    assert.ok(state.includes(cluster.id) && state.includes(USER.name), 'globalState should hold the definition');
    assert.equal(settings.includes(USER.password), false, 'password in settings');
    assert.equal(state.includes(USER.password), false, 'password in globalState');

    // The extension's log folder and its siblings (all extension host logs of this window).
    const logs = readTree(path.dirname(api.logFolder.fsPath));
    const ours = logs.filter((l) => l.text.includes(`Added cluster "${cluster.name}"`));
    assert.ok(ours.length > 0, `the MQ Explorer log was not found under ${path.dirname(api.logFolder.fsPath)}`);
    assert.deepEqual(logs.filter((l) => l.text.includes(USER.password)).map((l) => l.file), [], 'password in a log file');
  });

  it('adds an OAUTHBEARER cluster that works, keeping the client secret out of settings, globalState, logs and exports', async () => {
    assert.ok(tokens);
    const oauth = { mechanism: 'oauthbearer', tokenEndpoint: tokens.url, clientId: OAUTH_CLIENT.id, scope: 'kafka', extensions: { logicalCluster: 'lkc-host1' } };
    const cluster = await vscode.commands.executeCommand<ClusterEntry>('mqExplorer.addCluster', {
      name: uniqueName('oauth'),
      bootstrapServers: sasl,
      sasl: { ...oauth, clientSecret: OAUTH_CLIENT.secret },
      requireConnection: true,
    });
    assert.ok(cluster, 'the cluster was not added');
    assert.deepEqual(cluster.sasl, oauth);
    assert.deepEqual(await treeLoads(cluster), ['Brokers', 'Topics', 'Consumer Groups']);

    const file = path.join(tempDir, 'oauth-export.json');
    await vscode.commands.executeCommand('mqExplorer.exportClusters', { file });
    const stores = {
      settings: JSON.stringify(vscode.workspace.getConfiguration('mqExplorer')),
      globalState: JSON.stringify(api.globalStateSnapshot()),
      export: fs.readFileSync(file, 'utf8'),
      logs: readTree(path.dirname(api.logFolder.fsPath)).map((l) => l.text).join('\n'),
    };
    assert.ok(stores.export.includes(tokens.url) && stores.globalState.includes(OAUTH_CLIENT.id));
    for (const [where, text] of Object.entries(stores)) {
      assert.equal(text.includes(OAUTH_CLIENT.secret), false, `client secret in ${where}`);
    }

    // Switched to SCRAM by command without a password: the client secret is not reused as one.
    await vscode.commands.executeCommand('mqExplorer.editCluster', {
      clusterId: cluster.id,
      name: cluster.name,
      bootstrapServers: sasl,
      sasl: { mechanism: 'scram-sha-512', username: USER.name },
    });
    const lines = await treeLoadLines(cluster);
    assert.ok(lines.some((l) => l.includes(`No password is stored for "${USER.name}"`)), lines.join(' | '));
  });

  it('refuses a wrong OAuth client secret with the token endpoint sentence and adds nothing', async () => {
    assert.ok(tokens);
    const name = uniqueName('oauth-wrong');
    const reported = nextReportedError(api);
    await vscode.commands.executeCommand('mqExplorer.addCluster', {
      name,
      bootstrapServers: sasl,
      sasl: { mechanism: 'oauthbearer', tokenEndpoint: tokens.url, clientId: OAUTH_CLIENT.id, clientSecret: 'not-the-client-secret' },
      requireConnection: true,
    });
    const error = await reported;
    assert.match(error.message, /the token endpoint http:\/\/127\.0\.0\.1:\d+\/token rejected the client id or secret/);
    assert.doesNotMatch(error.message, /not-the-client-secret/);
    assert.equal(api.listClusters().some((c) => c.name === name), false);
  });

  it('refuses a wrong password with its own sentence and adds nothing', async () => {
    const name = uniqueName('wrong');
    const reported = nextReportedError(api);
    await vscode.commands.executeCommand('mqExplorer.addCluster', {
      name,
      bootstrapServers: sasl,
      sasl: { mechanism: 'plain', username: USER.name, password: 'not-the-password' },
      requireConnection: true,
    });
    const error = await reported;
    assert.match(error.message, /rejected the credentials\. Check the user name, password and SASL mechanism\./);
    assert.equal(api.listClusters().some((c) => c.name === name), false);
  });

  it('edits a cluster, keeping its stored password', async () => {
    const cluster = (await vscode.commands.executeCommand<ClusterEntry>('mqExplorer.addCluster', {
      name: uniqueName('before'),
      bootstrapServers: sasl,
      sasl: { mechanism: 'plain', username: USER.name, password: USER.password },
    }));
    const renamed = uniqueName('after');
    await vscode.commands.executeCommand('mqExplorer.editCluster', {
      clusterId: cluster.id,
      name: renamed,
      bootstrapServers: sasl,
      sasl: { mechanism: 'scram-sha-256', username: USER.name },
    });
    const edited = api.listClusters().find((c) => c.id === cluster.id);
    assert.ok(edited, 'the edited cluster is gone');
    assert.deepEqual([edited.name, edited.sasl?.mechanism], [renamed, 'scram-sha-256']);
    assert.deepEqual(await treeLoads(edited), ['Brokers', 'Topics', 'Consumer Groups'], 'the kept password still works');
  });

  it('exports definitions without secrets and imports them back, asking for the password', async () => {
    const name = uniqueName('exported');
    const cluster = (await vscode.commands.executeCommand<ClusterEntry>('mqExplorer.addCluster', {
      name,
      bootstrapServers: sasl,
      sasl: { mechanism: 'scram-sha-256', username: USER.name, password: USER.password },
    }));
    const file = path.join(tempDir, 'clusters.json');
    await vscode.commands.executeCommand('mqExplorer.exportClusters', { file });
    const text = fs.readFileSync(file, 'utf8');
    assert.ok(text.includes(name) && text.includes(USER.name));
    assert.equal(text.includes(USER.password), false, 'the export holds a password');

    // Import only this cluster: a file with the one entry.
    const exported = JSON.parse(text) as { clusters: { name: string }[] };
    const single = path.join(tempDir, 'one.json');
    fs.writeFileSync(single, JSON.stringify({ ...exported, clusters: exported.clusters.filter((c) => c.name === name) }));
    const clash = nextReportedError(api);
    await vscode.commands.executeCommand('mqExplorer.importClusters', { file: single, passwords: { [name]: USER.password } });
    assert.match((await clash).message, new RegExp(`Nothing was imported: a cluster named "${name}" already exists`));

    await vscode.commands.executeCommand('mqExplorer.removeCluster', { clusterId: cluster.id, skipConfirmation: true });
    const imported = await vscode.commands.executeCommand<ClusterEntry[]>('mqExplorer.importClusters', {
      file: single,
      passwords: { [name]: USER.password },
    });
    assert.equal(imported?.length, 1);
    assert.deepEqual(await treeLoads(imported[0]), ['Brokers', 'Topics', 'Consumer Groups']);
  });

  it('refuses a malformed import file and imports nothing', async () => {
    const file = path.join(tempDir, 'bad.json');
    fs.writeFileSync(file, JSON.stringify({ clusters: [{ name: 'ok-one', bootstrapServers: 'a:1' }, { name: 'bad', bootstrapServers: 'nohostport' }] }));
    const before = api.listClusters().length;
    const reported = nextReportedError(api);
    await vscode.commands.executeCommand('mqExplorer.importClusters', { file });
    assert.match((await reported).message, /Nothing was imported from .*bad\.json: Entry 2 \("bad"\): "nohostport" is not host:port/);
    assert.equal(api.listClusters().length, before);
  });
});
