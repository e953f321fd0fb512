import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/free-port.ts';

export interface ServeProcess {
  url: string;
  port: number;
  token: string;
  dataDir: string;
  process: ChildProcess;
  /** What the process wrote to stderr so far. */
  stderr(): string;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts a real `cairn serve` process on 127.0.0.1 and a free port (a fresh data directory unless given) and waits until it answers. */
export async function startServeProcess(options: { args?: string[]; dataDir?: string } = {}): Promise<ServeProcess> {
  const port = await freePort();
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'cairn-security-'));
  const child = spawn(process.execPath, ['bin/cairn.js', 'serve', '--port', String(port), '--data', dataDir, ...(options.args ?? [])], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    if (await fetch(`${url}/healthz`).then((response) => response.ok, () => false)) break;
    if (child.exitCode !== null || attempt > 600) {
      child.kill('SIGKILL');
      throw new Error(`cairn serve did not start: ${stderr}`);
    }
    await sleep(50);
  }
  return {
    url,
    port,
    token: readFileSync(join(dataDir, 'api-token'), 'utf8').trim(),
    dataDir,
    process: child,
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      // A service still finishing executions may take long to close: the test is over, so it goes.
      const forced = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(forced);
    },
  };
}
