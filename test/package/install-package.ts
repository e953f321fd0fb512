import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;

interface LockEntry {
  dev?: boolean;
  devOptional?: boolean;
  [key: string]: unknown;
}

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 900_000 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/**
 * `npm pack`s this checkout (dist/ was built by vitest's global setup, so scripts are skipped) and
 * installs the tarball, beside `@temporalio/client` and `@temporalio/worker` as a user would add
 * them, into `folder` with `npm ci --offline`: from the local npm cache only. The lockfile holds
 * the repository lock's non-dev entries, so a package Cairn uses but declares only as a dev
 * dependency is missing there and the commands fail.
 */
export function installPackedCairn(folder: string): void {
  mkdirSync(folder, { recursive: true });
  const tarballName = run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', folder], ROOT).trim().split('\n').at(-1)!;
  const tarball = `file:${tarballName}`;
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; license: string; dependencies: Record<string, string>; bin: object; engines: object };
  const repoLock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const dependencies = { cairn: tarball, '@temporalio/client': pkg.dependencies['@temporalio/client']!, '@temporalio/worker': pkg.dependencies['@temporalio/worker']! };
  const packages: Record<string, object> = { '': { name: 'consumer', dependencies } };
  for (const [path, entry] of Object.entries(repoLock.packages)) {
    if (path.startsWith('node_modules/') && !entry.dev && !entry.devOptional) packages[path] = entry;
  }
  const integrity = `sha512-${createHash('sha512').update(readFileSync(join(folder, tarballName))).digest('base64')}`;
  packages['node_modules/cairn'] = { version: pkg.version, resolved: tarball, integrity, license: pkg.license, dependencies: pkg.dependencies, bin: pkg.bin, engines: pkg.engines };
  writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies }, null, 2));
  writeFileSync(join(folder, 'package-lock.json'), JSON.stringify({ name: 'consumer', lockfileVersion: 3, requires: true, packages }, null, 2));
  run('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], folder);
  provideSqliteBinding(folder);
}

/**
 * better-sqlite3 builds its native binding at install: offline that is a node-gyp compile of
 * SQLite (checked by hand: `npm ci --offline` with scripts compiles it and `cairn serve` works, but
 * it takes ~8 minutes on a busy 2-core machine). The test installs with scripts off and copies the
 * binding this checkout built for the same version instead.
 */
function provideSqliteBinding(folder: string): void {
  const release = 'node_modules/better-sqlite3/build/Release';
  const installed = JSON.parse(readFileSync(join(folder, 'node_modules/better-sqlite3/package.json'), 'utf8')) as { version: string };
  const ours = JSON.parse(readFileSync(join(ROOT, 'node_modules/better-sqlite3/package.json'), 'utf8')) as { version: string };
  if (installed.version !== ours.version) throw new Error(`better-sqlite3 ${installed.version} installed, this checkout built ${ours.version}`);
  mkdirSync(join(folder, release), { recursive: true });
  for (const file of readdirSync(join(ROOT, release)).filter((name) => name.endsWith('.node'))) copyFileSync(join(ROOT, release, file), join(folder, release, file));
}
