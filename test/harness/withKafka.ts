/**
 * `node out/test/harness/withKafka.js [--nodes N] -- <command> [args...]`: starts a real Kafka
 * (version from KAFKA_VERSION), runs the command with MQX_KAFKA_BOOTSTRAP set to the broker's
 * address, stops the broker, and exits with the command's exit code.
 */
import { spawn } from 'node:child_process';
import { DEFAULT_KAFKA_VERSION, KafkaCluster } from './kafkaCluster';

async function main(argv: string[]): Promise<number> {
  const separator = argv.indexOf('--');
  if (separator < 0 || separator === argv.length - 1) {
    process.stderr.write('usage: withKafka.js [--nodes N] -- <command> [args...]\n');
    return 2;
  }
  const options = argv.slice(0, separator);
  const nodesIndex = options.indexOf('--nodes');
  const nodes = nodesIndex >= 0 ? Number(options[nodesIndex + 1]) : 1;
  const [command, ...args] = argv.slice(separator + 1);

  const started = Date.now();
  const cluster = await KafkaCluster.start({ version: DEFAULT_KAFKA_VERSION, nodes });
  process.stdout.write(
    `[withKafka] Kafka ${cluster.version} (${nodes} node${nodes === 1 ? '' : 's'}) at ${cluster.bootstrapServers} in ${Date.now() - started} ms\n`,
  );
  try {
    return await new Promise<number>((resolve) => {
      const child = spawn(command, args, {
        stdio: 'inherit',
        env: { ...process.env, MQX_KAFKA_BOOTSTRAP: cluster.bootstrapServers, MQX_KAFKA_VERSION: cluster.version },
      });
      const forward = (signal: NodeJS.Signals) => child.kill(signal);
      process.on('SIGINT', forward);
      process.on('SIGTERM', forward);
      child.on('error', (error) => {
        process.stderr.write(`[withKafka] could not run ${command}: ${error.message}\n`);
        resolve(127);
      });
      child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
    });
  } finally {
    await cluster.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`[withKafka] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
