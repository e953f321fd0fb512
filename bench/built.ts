// The built package (dist/), as `cairn` runs it: benchmarks measure it rather than the sources
// through tsx, whose per-function helpers and loader hooks make the code slower than what users run.
import { spawnSync } from 'node:child_process';

/** Rebuilds dist/ first unless the command line says `--no-build`. */
export function buildUnlessAsked(): void {
  if (process.argv.includes('--no-build')) return;
  const build = spawnSync(process.execPath, ['scripts/build.js'], { cwd: new URL('..', import.meta.url), stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0) throw new Error('node scripts/build.js failed');
}

/** A module of the built package, typed as its source. */
export const built = <Module>(path: string): Promise<Module> => import(new URL(`../dist/${path}.js`, import.meta.url).href) as Promise<Module>;
