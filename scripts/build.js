#!/usr/bin/env node
// Builds what the `cairn` package runs: src/ → dist/ as JavaScript (esbuild, one file per module, so
// paths relative to a module — schema/, dashboard/dist/, the workflow sandbox entry — hold as in src/),
// the official schema's validators (ajv standalone code), the dashboard (vite, only when its sources changed), and with `--types` the .d.ts files (tsc).
// `npm ci` and `npm pack` run it through `prepare`; vitest's global setup runs it before the tests.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

// `npm pack`/`npm publish` run `prepare` too: a package ships its type declarations.
const withTypes = process.argv.includes('--types') || ['pack', 'publish'].includes(process.env.npm_command ?? '');

/** Every module under `dir` except tests. */
function sourceFiles(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Relative imports stay separate modules, with `.ts` rewritten to `.js`; packages stay imports. */
const keepModulesSeparate = {
  name: 'keep-modules-separate',
  setup(builder) {
    builder.onResolve({ filter: /^\.\.?\// }, (args) =>
      args.kind === 'entry-point' ? undefined : { path: args.path.replace(/\.ts$/, '.js'), external: true });
  },
};

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: sourceFiles('src'),
  outdir: 'dist',
  outbase: 'src',
  bundle: true,
  packages: 'external',
  plugins: [keepModulesSeparate],
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
});

// The official schema's validators, compiled once here instead of on every `cairn run`/`validate`.
const officialSchema = await import('../dist/loader/official-schema.js');
writeFileSync(join('dist/loader', officialSchema.PRECOMPILED_FILE), officialSchema.officialSchemaStandaloneCode());

if (withTypes) run('npx', ['tsc', '-p', 'tsconfig.build.json']);
if (dashboardIsStale()) run('npm', ['run', '-s', 'build:dashboard']);

function newestChange(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestChange(join(path, name))));
}

function dashboardIsStale() {
  const index = 'dashboard/dist/index.html';
  if (!existsSync('dashboard/src')) return false;
  return !existsSync(index) || statSync(index).mtimeMs < Math.max(newestChange('dashboard/src'), newestChange('dashboard/index.html'));
}

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
