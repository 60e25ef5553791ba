import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

/** Totals one test layer reports to the orchestrator (scripts/test.sh sums them). */
export interface LayerTotals {
  layer: string;
  passed: number;
  failed: number;
  skipped: number;
  failures: { title: string; error: string }[];
}

/**
 * Mocha's spec output, plus a JSON file of totals so one line can sum every layer.
 * The file is named by MQX_RESULTS_FILE (or reporterOptions.resultsFile); the layer by MQX_LAYER.
 */
export class CountingReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    const reporterOptions = (options?.reporterOptions ?? {}) as Record<string, string | undefined>;
    const file = reporterOptions.resultsFile ?? process.env.MQX_RESULTS_FILE;
    const totals: LayerTotals = {
      layer: reporterOptions.layer ?? process.env.MQX_LAYER ?? 'tests',
      passed: 0,
      failed: 0,
      skipped: 0,
      failures: [],
    };
    runner.on(Mocha.Runner.constants.EVENT_TEST_PASS, () => totals.passed++);
    runner.on(Mocha.Runner.constants.EVENT_TEST_PENDING, () => totals.skipped++);
    runner.on(Mocha.Runner.constants.EVENT_TEST_FAIL, (test: Mocha.Test, err: Error) => {
      totals.failed++;
      totals.failures.push({ title: test.fullTitle(), error: String(err?.stack ?? err) });
    });
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      if (!file) {
        return;
      }
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify(totals, null, 2));
    });
  }
}

// Mocha loads a reporter file by `require` and uses its export as the constructor.
module.exports = Object.assign(CountingReporter, { CountingReporter });
