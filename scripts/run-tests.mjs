#!/usr/bin/env node
// Runs vitest with its JSON reporter beside the default one and prints the closing line CI reads:
// "N passed, N failed". Extra arguments are passed to vitest (e.g. a file filter).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const out = join(mkdtempSync(join(tmpdir(), 'tandem-vitest-')), 'results.json');
const args = ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...process.argv.slice(2)];
const run = spawnSync('vitest', args, { stdio: 'inherit', shell: false });

let passed = 0;
let failed;
if (existsSync(out)) {
  const report = JSON.parse(readFileSync(out, 'utf8'));
  passed = report.numPassedTests ?? 0;
  failed = report.numFailedTests ?? 0;
  // A file that fails to load has no test results; count it, or a broken import would look green.
  const suiteFailures = (report.testResults ?? []).filter((r) => r.status === 'failed' && (r.assertionResults ?? []).length === 0).length;
  failed += suiteFailures;
} else {
  failed = 1;
}
if (run.status !== 0 && failed === 0) {
  // Every test passed, yet vitest failed the run: an error outside any test (vitest prints it above
  // under "Unhandled Errors", with the file that was running). Counted, so the run is not green.
  console.log(`vitest exited with status ${run.status} although every test passed: see its "Unhandled Errors" above`);
  failed = 1;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && run.status === 0 ? 0 : 1);
