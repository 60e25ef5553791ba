/**
 * Desktop entry for the in-host layer: downloads a VS Code and runs the same tests module in it.
 * It cannot work on our CI machines (no VS Code downloads); there use runInHostCli (code-server).
 */
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { repoRoot } from '../harness/util';

async function main(): Promise<void> {
  const root = repoRoot();
  await runTests({
    version: process.env.MQX_VSCODE_VERSION ?? '1.100.3',
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(root, 'out', 'test', 'vscode', 'index.js'),
    // Other installed extensions would slow the host down and could change behaviour.
    launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
    extensionTestsEnv: { MQX_LAYER: process.env.MQX_LAYER ?? 'vscode', ...pickEnv() },
  });
}

/** Passes MQX_* and KAFKA_* settings through to the extension host, as the code-server runner does. */
function pickEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && (key.startsWith('MQX_') || key.startsWith('KAFKA_'))) {
      out[key] = value;
    }
  }
  return out;
}

main().catch((err: unknown) => {
  process.stderr.write(`runTest failed: ${String(err)}\n`);
  process.exit(1);
});
