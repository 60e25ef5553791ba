/**
 * CLI: `node out/test/harness/runInHostCli.js` runs the in-host (VS Code API) test layer.
 *
 * Environment:
 *   MQX_EXTENSION_PATH   extension folder (default: repository root)
 *   MQX_TESTS_INDEX      compiled tests module (default: out/test/vscode/index.js)
 *   MQX_WORKSPACE        folder the window opens (default: a fresh empty temp dir)
 *   MQX_TIMEOUT_MS       overall deadline (default 10 min)
 *   MQX_RESULTS_FILE     totals JSON written by the counting reporter (default test-results/vscode.json)
 *   MQX_LAYER            layer name in that JSON (default "vscode")
 *   MQX_VERBOSE_SERVER=1 also print code-server's own output
 * Every variable starting with MQX_ or KAFKA_ is passed on to code-server, hence the extension host.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runInHostSuite } from './runInHost';
import { makeTempDir, removeDir, repoRoot } from './util';

async function main(): Promise<number> {
  const root = repoRoot();
  const env: Record<string, string> = {
    MQX_RESULTS_FILE: path.join(root, 'test-results', 'vscode.json'),
    MQX_LAYER: 'vscode',
  };
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && (key.startsWith('MQX_') || key.startsWith('KAFKA_'))) {
      env[key] = value;
    }
  }
  // The host may not see our cwd, so hand it absolute paths only.
  env.MQX_RESULTS_FILE = path.resolve(env.MQX_RESULTS_FILE);
  // A stale totals file would pass for this run's results if the host never got to write one.
  fs.rmSync(env.MQX_RESULTS_FILE, { force: true });

  const extensionPath = path.resolve(env.MQX_EXTENSION_PATH ?? root);
  const testsIndexPath = path.resolve(env.MQX_TESTS_INDEX ?? path.join(root, 'out', 'test', 'vscode', 'index.js'));
  for (const required of [path.join(extensionPath, 'package.json'), testsIndexPath]) {
    if (!fs.existsSync(required)) {
      process.stderr.write(`[runner] missing ${required} (compile with: npx tsc -p .)\n`);
      return 1;
    }
  }
  const tempFolder = env.MQX_WORKSPACE ? undefined : makeTempDir('workspace');
  const folder = path.resolve(env.MQX_WORKSPACE ?? tempFolder ?? root);
  const timeoutMs = env.MQX_TIMEOUT_MS ? Number(env.MQX_TIMEOUT_MS) : undefined;
  try {
    const code = await runInHostSuite({
      extensionPath,
      testsIndexPath,
      folder,
      env,
      timeoutMs: Number.isFinite(timeoutMs) ? timeoutMs : undefined,
      verboseServer: env.MQX_VERBOSE_SERVER === '1',
    });
    if (code === 0 && !fs.existsSync(env.MQX_RESULTS_FILE)) {
      process.stderr.write(`[runner] tests reported success but ${env.MQX_RESULTS_FILE} was not written\n`);
      return 1;
    }
    return code;
  } finally {
    if (tempFolder) {
      removeDir(tempFolder);
    }
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`[runner] ${String(err)}\n`);
    process.exitCode = 1;
  },
);
