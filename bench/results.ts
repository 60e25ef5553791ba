import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../test/harness/util';

/** One benchmark's figures: ours, the reference tool's (kcat) in the same run, and ours / reference. */
export interface BenchEntry {
  name: string;
  project: number;
  reference: number;
  unit: string;
  /** Ours relative to the reference, above 1 = better than kcat: project / reference for rates, reference / project for times. */
  ratio: number;
  details?: Record<string, unknown>;
}

/** Adds or replaces entries by name in bench-results.json at the repo root, keeping the others. */
export function saveBenchResults(entries: BenchEntry[]): string {
  const file = path.join(repoRoot(), 'bench-results.json');
  let existing: BenchEntry[] = [];
  try {
    existing = JSON.parse(fs.readFileSync(file, 'utf8')) as BenchEntry[];
  } catch {
    // first run, or an unreadable file that this run replaces
  }
  const names = new Set(entries.map((e) => e.name));
  const merged = [...existing.filter((e) => !names.has(e.name)), ...entries];
  fs.writeFileSync(file, `${JSON.stringify(merged, null, 2)}\n`);
  return file;
}

/** Runs a benchmark's main function and exits with 0, or prints the failure and exits with 1. */
export function runBench(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`[bench] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
