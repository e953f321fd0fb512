import { spawnSync } from 'node:child_process';

/**
 * Vitest global setup: builds dist/ (and the dashboard when stale) before any test, so tests that
 * spawn `bin/cairn.js` run the code under test, whichever way vitest was started.
 */
export default function setup(): void {
  const build = spawnSync(process.execPath, ['scripts/build.js'], { encoding: 'utf8', timeout: 300_000 });
  if (build.status !== 0) throw new Error(`node scripts/build.js failed:\n${build.stdout}\n${build.stderr}`);
}
