/**
 * Process bookkeeping of the Kafka harness: every broker JVM this Node process started and every
 * temp data dir it owns, killed and removed when the process exits or is signalled, so no broker
 * outlives the test run that started it.
 */
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

// Every broker this process started, so none survives the test run that started it.
export const liveChildren = new Set<ChildProcess>();
// Temp data dirs of clusters not yet stopped, removed too if the process ends abruptly.
export const ownedDataDirs = new Set<string>();
let exitHookInstalled = false;

function killAllNow(): void {
  for (const child of liveChildren) {
    child.kill('SIGKILL');
  }
  for (const dir of ownedDataDirs) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Kills every broker this process started (and removes owned temp dirs) when it exits or is signalled. */
export function installExitHook(): void {
  if (exitHookInstalled) {
    return;
  }
  exitHookInstalled = true;
  // 'exit' handlers must be synchronous; kill() is, and SIGKILL cannot be ignored.
  process.on('exit', killAllNow);
  // A signal's default action ends Node without 'exit'. Only act when nobody else handles
  // the signal (mocha, the CLI): then kill brokers and re-raise to keep the default behaviour.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const handler = (): void => {
      if (process.listenerCount(signal) > 1) {
        return;
      }
      killAllNow();
      process.removeListener(signal, handler);
      process.kill(process.pid, signal);
    };
    process.on(signal, handler);
  }
}

/** The last `lines` lines of a log file, or a note that it is missing. */
export function tailOf(file: string, lines: number): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return `(no ${path.basename(file)})`;
  }
}
