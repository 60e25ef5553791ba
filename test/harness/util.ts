import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The repository root, found by walking up from this file. Works from both the TypeScript source
 * (test/harness) and the compiled output (out/test/harness), which sit at different depths.
 */
export function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'test', 'code-server', 'package.json'))) {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(`repository root not found above ${__dirname}`);
    }
    dir = parent;
  }
}

/**
 * Polls `condition` until it returns a truthy value (which is returned) or the deadline passes.
 * Errors thrown by `condition` count as "not yet", and the last one is reported on timeout.
 */
export async function waitUntil<T>(
  condition: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  options: { timeoutMs: number; intervalMs?: number; what: string },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 100;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) {
        return value;
      }
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const detail = lastError ? `: ${lastError instanceof Error ? lastError.message : JSON.stringify(lastError)}` : '';
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.what}${detail}`);
    }
    await new Promise<void>((resolve) => setTimeout(resolve, interval));
  }
}

/** Creates a fresh temp directory with a recognisable prefix (so leftovers are easy to spot). */
export function makeTempDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `mqx-${label}-`));
}

/** Removes a directory tree, ignoring errors: cleanup must never mask a test result. */
export function removeDir(dir: string): void {
  try {
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  } catch {
    // best effort
  }
}
