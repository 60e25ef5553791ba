/**
 * Command line entry for the Kafka harness (used by scripts/sandbox.sh and CI setup):
 *
 *   node out/test/harness/cli.js fetch [--version V]
 *   node out/test/harness/cli.js start [--version V] [--nodes N] [--data-dir D] [--bootstrap-file F]
 *
 * `start` prints `KAFKA_BOOTSTRAP=<servers>` on stdout and stays in the foreground until
 * SIGINT/SIGTERM; progress goes to stderr so stdout stays machine-readable.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_KAFKA_VERSION, KafkaCluster, ensureKafkaJars } from './kafkaCluster';

interface CliOptions {
  version: string;
  nodes: number;
  dataDir?: string;
  bootstrapFile?: string;
}

const USAGE =
  'usage: cli.js fetch [--version V]\n' +
  '       cli.js start [--version V] [--nodes N] [--data-dir D] [--bootstrap-file F]';

function parseOptions(args: string[]): CliOptions {
  const options: CliOptions = { version: DEFAULT_KAFKA_VERSION, nodes: 1 };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    const value = args[i + 1];
    if (value === undefined || value.startsWith('--')) {
      throw new Error(`${flag} needs a value\n${USAGE}`);
    }
    i++;
    switch (flag) {
      case '--version':
        options.version = value;
        break;
      case '--nodes':
        options.nodes = Number.parseInt(value, 10);
        if (!Number.isInteger(options.nodes) || options.nodes < 1) {
          throw new Error(`--nodes must be a positive integer, got ${value}`);
        }
        break;
      case '--data-dir':
        options.dataDir = path.resolve(value);
        break;
      case '--bootstrap-file':
        options.bootstrapFile = path.resolve(value);
        break;
      default:
        throw new Error(`unknown option ${flag}\n${USAGE}`);
    }
  }
  return options;
}

const logToStderr = (line: string): void => {
  process.stderr.write(`[kafka-harness] ${line}\n`);
};

async function start(options: CliOptions): Promise<void> {
  const cluster = await KafkaCluster.start({
    version: options.version,
    nodes: options.nodes,
    dataDir: options.dataDir,
    log: logToStderr,
  });
  if (options.bootstrapFile) {
    fs.mkdirSync(path.dirname(options.bootstrapFile), { recursive: true });
    fs.writeFileSync(options.bootstrapFile, `${cluster.bootstrapServers}\n`);
  }
  process.stdout.write(`KAFKA_BOOTSTRAP=${cluster.bootstrapServers}\n`);

  // Handlers (rather than default signal death) let the brokers shut down cleanly.
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  logToStderr('stopping');
  await cluster.stop();
  if (options.bootstrapFile) {
    fs.rmSync(options.bootstrapFile, { force: true });
  }
  logToStderr('stopped');
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'fetch': {
      const options = parseOptions(rest);
      process.stdout.write(`${await ensureKafkaJars(options.version, logToStderr)}\n`);
      return;
    }
    case 'start':
      return start(parseOptions(rest));
    default:
      throw new Error(USAGE);
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
