import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.ts';

export const INSTANCE_TOKEN = 'instance-test-token';

/** A real `cairn serve` process on loopback. */
export interface ServeProcess {
  url: string;
  process: ChildProcess;
  /** What it wrote to stderr so far (for failure messages). */
  log(): string;
  /** Ends it (SIGTERM, or SIGKILL when asked) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts `cairn serve` with the given extra arguments (`--database`, `--lease`, `--temporal`…) and waits until it answers. */
export async function startServeProcess(args: string[], options: { nodeArgs?: string[] } = {}): Promise<ServeProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), 'bin/cairn.js', 'serve', '--port', String(port), '--data', mkdtempSync(join(tmpdir(), 'cairn-instance-')), ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, CAIRN_API_TOKENS: INSTANCE_TOKEN },
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    if (await fetch(`${url}/healthz`).then((response) => response.ok, () => false)) break;
    if (child.exitCode !== null || attempt > 1200) {
      child.kill('SIGKILL');
      throw new Error(`cairn serve did not start: ${stderr}`);
    }
    await sleep(50);
  }
  return {
    url,
    process: child,
    log: () => stderr,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** Calls the service's JSON API with the instances' token. */
export async function api(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const call = () =>
    fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${INSTANCE_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  // A kept-alive connection the server closed at its idle timeout just as it was reused: reads are safe to repeat.
  const response = await call().catch((error: unknown) => (method === 'GET' ? call() : Promise.reject(error)));
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}
