import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.ts';

/** The token every instance accepts when started with `sharedToken` (several instances behind one client). */
export const INSTANCE_TOKEN = 'instance-test-token';

/** A real `cairn serve` process on loopback. */
export interface ServeProcess {
  url: string;
  port: number;
  dataDir: string;
  /** The API token it accepts: `INSTANCE_TOKEN`, or the one it wrote to its data directory. */
  token: string;
  process: ChildProcess;
  /** What it wrote to stderr so far (for failure messages and assertions). */
  log(): string;
  /** What it wrote to stdout so far: its JSON log records. */
  records(): string;
  /** Ends it (SIGTERM, or the given signal; SIGKILL after 5 s) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface ServeProcessOptions {
  /** Extra `cairn serve` arguments (`--database`, `--lease`, `--temporal`, limits…). */
  args?: string[];
  /** The data directory (a fresh one by default). */
  dataDir?: string;
  /** Node options for the process (e.g. `--cpu-prof`). */
  nodeArgs?: string[];
  /** Accept `INSTANCE_TOKEN` (`$CAIRN_API_TOKENS`) instead of the token the service generates. */
  sharedToken?: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts `cairn serve` on 127.0.0.1 and a free port and waits until it answers. */
export async function startServeProcess(options: ServeProcessOptions = {}): Promise<ServeProcess> {
  const port = await freePort();
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'cairn-serve-'));
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), 'bin/cairn.js', 'serve', '--port', String(port), '--data', dataDir, ...(options.args ?? [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: options.sharedToken ? { ...process.env, CAIRN_API_TOKENS: INSTANCE_TOKEN } : process.env,
  });
  let stderr = '';
  let stdout = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
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
    port,
    dataDir,
    token: options.sharedToken ? INSTANCE_TOKEN : readFileSync(join(dataDir, 'api-token'), 'utf8').trim(),
    process: child,
    log: () => stderr,
    records: () => stdout,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      // A service still finishing executions may take long to close: the test is over, so it goes.
      const forced = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(forced);
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
