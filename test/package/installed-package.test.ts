import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.ts';
import { startTemporalServer, type DevServer } from '../support/temporal-server.ts';
import { installPackedCairn } from './install-package.ts';

// The package as users get it: `npm pack`, installed into an empty folder offline, then the CLI and
// the documented library examples (docs/examples/) run there against a real Temporal dev server.
const ROOT = new URL('../../', import.meta.url).pathname;
let folder: string;
let server: DevServer;
/** Long-running commands start without npx, so stopping them stops the process itself. */
const CAIRN = 'node_modules/.bin/cairn';

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'cairn-package-'));
  const serverStarting = startTemporalServer();
  installPackedCairn(folder);
  for (const file of ['examples/order-pipeline.yaml', 'examples/order.json', 'docs/examples/run-in-process.mjs', 'docs/examples/temporal-worker.mjs', 'docs/examples/jq.mjs']) {
    copyFileSync(join(ROOT, file), join(folder, file.split('/').at(-1)!));
  }
  server = await serverStarting;
}, 1_200_000);

afterAll(async () => {
  await server?.stop();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

const inFolder = (command: string, args: string[], env: Record<string, string> = {}) =>
  spawnSync(command, args, { cwd: folder, encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...env } });

describe('the installed package', () => {
  it('npx cairn runs the example workflow and prints its output', () => {
    const result = inFolder('npx', ['cairn', 'run', 'order-pipeline.yaml', '--input', '@order.json', '--quiet']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ customer: 'Ada', total: 110 });
  });

  it('cairn validate accepts the example and locates errors in a broken document', () => {
    expect(inFolder('npx', ['cairn', 'validate', 'order-pipeline.yaml']).status).toBe(0);
    const broken = inFolder('npx', ['cairn', 'validate', 'order.json']);
    expect(broken.status).toBe(2);
    expect(broken.stdout + broken.stderr).toMatch(/^order\.json:\d+:\d+: /m);
  });

  it('cairn --version prints the package version', () => {
    expect(inFolder('npx', ['cairn', '--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('cairn serve answers / with the dashboard', async () => {
    const port = await freePort();
    const serve = spawn(process.execPath, [CAIRN, 'serve', '--port', String(port), '--data', join(folder, 'data')], { cwd: folder, stdio: 'ignore' });
    try {
      const page = await poll(() => fetch(`http://127.0.0.1:${port}/`));
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root">');
    } finally {
      await stop(serve);
    }
  });

  it('cairn worker polls the task queue on the dev server', async () => {
    const worker = spawn(process.execPath, [CAIRN, 'worker', '--temporal', server.address, '--task-queue', 'package-test'], { cwd: folder, stdio: ['ignore', 'ignore', 'pipe'] });
    try {
      let stderr = '';
      worker.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      // The worker bundles the workflow code (webpack) before it polls: seconds, more on a busy machine.
      await poll(async () => (stderr.includes('polling package-test') ? stderr : undefined), 200_000);
      expect(stderr).toContain(`polling package-test on ${server.address}`);
    } finally {
      await stop(worker);
    }
  }, 240_000);

  it('the library runs a workflow in-process, with issues as data', () => {
    const result = inFolder('node', ['run-in-process.mjs']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('issue broken.yaml:1:');
    expect(result.stdout).toMatch(/load error with \d+ issue\(s\)/);
    expect(result.stdout).toContain('status completed');
    expect(result.stdout).toContain('output {"greeting":"Hello, Ada"}');
    expect(result.stdout).toMatch(/events \d+, workflow completed: true/);
  });

  it('cairn/jq compiles and evaluates jq programs, with located syntax errors and limits', () => {
    const result = inFolder('node', ['jq.mjs']);
    expect(result.stderr).toBe('');
    expect(result.stdout.trim().split('\n')).toEqual(['doubled [2,4]', 'above [5,9]', 'syntax error at 1:7', 'limit reached']);
  });

  it("the library's workflow runs in a plain Worker.create and completes through a plain Client", () => {
    const result = inFolder('node', ['temporal-worker.mjs'], { TEMPORAL_ADDRESS: server.address });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('status completed');
    expect(result.stdout).toContain('output {"doubled":42}');
    expect(result.stdout).toMatch(/progress events [1-9]/);
  }, 180_000);
});

async function poll<T>(attempt: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await attempt();
      if (value !== undefined) return value;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
