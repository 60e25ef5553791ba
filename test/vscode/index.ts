import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { CountingReporter } from '../support/countingReporter';

/** Every compiled `*.test.js` below `dir`, sorted so runs are in a stable order. */
function findTests(dir: string): string[] {
  if (!fs.existsSync(dir)) {
    return [];
  }
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      found.push(...findTests(full));
    } else if (entry.isFile() && entry.name.endsWith('.test.js')) {
      found.push(full);
    }
  }
  return found.sort();
}

/**
 * Entry point the extension host calls (extensionTestsPath): runs every suite under
 * out/test/vscode/suite with mocha and rejects when any test failed, which makes the
 * workbench report exit code 1.
 */
export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false });
  mocha.reporter(CountingReporter);
  // MQX_TESTS_FILES=produce,tailPanel runs only the suites whose file name contains one of them.
  const only = (process.env.MQX_TESTS_FILES ?? '').split(',').filter(Boolean);
  const files = findTests(path.join(__dirname, 'suite')).filter((f) => only.length === 0 || only.some((o) => path.basename(f).includes(o)));
  if (files.length === 0) {
    throw new Error(`no *.test.js files under ${path.join(__dirname, 'suite')}${only.length > 0 ? ` matching MQX_TESTS_FILES=${only.join(',')}` : ''}`);
  }
  files.forEach((file) => mocha.addFile(file));
  const failures = await new Promise<number>((resolve, reject) => {
    try {
      mocha.run(resolve);
    } catch (err) {
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  });
  if (failures > 0) {
    throw new Error(`${failures} in-host test(s) failed`);
  }
}
