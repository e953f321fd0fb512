#!/usr/bin/env node
// Installs the programs the tests start for real (scripts/install-tools.sh: PostgreSQL, NATS,
// chromium, the Temporal CLI), runs the type checker and the whole test suite, then prints the
// closing line CI counts: `N passed, M failed` (vitest's own summary is not one CI reads).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';

const resultsFile = '.cairn/test-results.json';
mkdirSync('.cairn', { recursive: true });
rmSync(resultsFile, { force: true });

const tools = spawnSync('bash', ['scripts/install-tools.sh'], { stdio: 'inherit' });
if (tools.status !== 0) {
  console.error('scripts/install-tools.sh failed: the suites that need PostgreSQL, NATS, chromium or Temporal cannot run');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const typecheck = spawnSync('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit'], { stdio: 'inherit' });
const typecheckFailed = typecheck.status !== 0 ? 1 : 0;
if (typecheckFailed) console.error('typecheck failed');

const args = ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${resultsFile}`, ...process.argv.slice(2)];
// A hung test file must not hold CI until its own limit: the whole suite gets 45 minutes.
const SUITE_TIMEOUT_MS = 45 * 60 * 1000;
const vitest = spawnSync('npx', args, { stdio: 'inherit', timeout: SUITE_TIMEOUT_MS, killSignal: 'SIGKILL' });
if (vitest.error) console.error(`vitest did not finish: ${vitest.error.message}`);

let passed = 0;
let failed = typecheckFailed;
let skipped = 0;
try {
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  passed = results.numPassedTests;
  // A file that failed without a failing test (an import error, a crashed hook) counts once.
  const brokenFiles = results.testResults.filter(
    (file) => file.status === 'failed' && !file.assertionResults.some((test) => test.status === 'failed'),
  ).length;
  failed += results.numFailedTests + brokenFiles;
  skipped = results.numPendingTests + (results.numTodoTests ?? 0);
} catch {
  failed += 1;
  console.error(`no test results in ${resultsFile}: vitest exited with ${vitest.status}`);
}
if (vitest.status !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 ? 0 : 1);
