// Sums the per-layer totals the counting reporter wrote, prints one line per layer and the
// final "N passed, N failed[, N skipped]" line. A layer that wrote nothing counts as one failure.
import * as fs from 'node:fs';

const files = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of files) {
  let totals;
  try {
    totals = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    console.log(`  ${file}: no results (the layer crashed before reporting) -> counted as 1 failed`);
    failed += 1;
    continue;
  }
  console.log(`  ${totals.layer}: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  for (const failure of totals.failures ?? []) {
    console.log(`    FAILED ${failure.title}`);
  }
  passed += totals.passed;
  failed += totals.failed;
  skipped += totals.skipped;
}
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
