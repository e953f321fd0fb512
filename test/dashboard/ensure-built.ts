import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DASHBOARD_DIST } from '../../src/service/routes/dashboard.ts';

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((entry) => newestMtime(join(path, entry))));
}

/**
 * Builds the dashboard (`npm run build:dashboard`) when `dashboard/dist` is missing or older than
 * its sources, so the browser tests never run against a stale bundle.
 */
export function ensureDashboardBuilt(): void {
  const index = join(DASHBOARD_DIST, 'index.html');
  const sources = Math.max(newestMtime('dashboard/src'), newestMtime('dashboard/index.html'), newestMtime('dashboard/vite.config.ts'));
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  const build = spawnSync('npm', ['run', 'build:dashboard'], { encoding: 'utf8', timeout: 180_000 });
  if (build.status !== 0) throw new Error(`npm run build:dashboard failed:\n${build.stdout}\n${build.stderr}`);
}
