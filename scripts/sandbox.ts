/**
 * The main job: a local Kafka from the official jars (no Docker), the freshly built VSIX installed
 * in a sandboxed code-server whose URL is printed, and the "Local" cluster already added.
 * Data (broker log, VS Code user data, workspace) is kept in .sandbox/ between runs.
 * Environment: KAFKA_VERSION (default 3.9.2), MQX_SANDBOX_PORT (default: a free port).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { installVsix, startCodeServer } from '../test/harness/codeServer';
import { DEFAULT_KAFKA_VERSION, KafkaCluster } from '../test/harness/kafkaCluster';
import { repoRoot } from '../test/harness/util';

const SAMPLE_ORDER = {
  type: 'OrderCreated',
  orderId: 'ord-1001',
  customer: { id: 'c-42', name: 'Ada Lovelace' },
  items: [{ sku: 'KB-01', quantity: 1, price: 89.9 }],
};

async function main(): Promise<void> {
  const root = repoRoot();
  const sandbox = path.join(root, '.sandbox');
  const vsix = path.join(root, 'dist', 'mq-explorer.vsix');
  if (!fs.existsSync(vsix)) {
    throw new Error(`${vsix} is missing; build it with: npm run package`);
  }
  const workspace = path.join(sandbox, 'workspace');
  fs.mkdirSync(workspace, { recursive: true });
  const sample = path.join(workspace, 'order.json');
  if (!fs.existsSync(sample)) {
    fs.writeFileSync(sample, `${JSON.stringify(SAMPLE_ORDER, null, 2)}\n`);
  }

  const say = (line: string) => process.stdout.write(`[sandbox] ${line}\n`);
  say(`starting Kafka ${DEFAULT_KAFKA_VERSION} (data in .sandbox/kafka)…`);
  const kafka = await KafkaCluster.start({ version: DEFAULT_KAFKA_VERSION, dataDir: path.join(sandbox, 'kafka') });
  const extensionsDir = path.join(sandbox, 'extensions');
  await installVsix(vsix, extensionsDir);
  const requestedPort = Number(process.env.MQX_SANDBOX_PORT);
  const server = await startCodeServer({
    folder: workspace,
    extensionsDir,
    userDataDir: path.join(sandbox, 'user-data'),
    port: Number.isInteger(requestedPort) && requestedPort > 0 ? requestedPort : undefined,
    settings: { 'mqExplorer.clusters': [{ name: 'Local', bootstrapServers: kafka.bootstrapServers }] },
  });

  say(`Kafka ${kafka.version} is listening on ${kafka.bootstrapServers}`);
  say(`VS Code with MQ Explorer: ${server.url}/?folder=${encodeURIComponent(workspace)}`);
  say('Open the MQ Explorer view in the activity bar; the "Local" cluster is already there.');
  say('Press Ctrl-C to stop code-server and Kafka (data is kept in .sandbox/).');

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  say('stopping…');
  await server.stop();
  await kafka.stop();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`[sandbox] ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
