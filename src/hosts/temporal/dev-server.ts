import { spawn, execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { devServerSearchAttributeFlags } from './search-attributes.ts';

const execFileAsync = promisify(execFile);

export interface DevServer {
  /** `127.0.0.1:<port>` of the frontend gRPC service. */
  readonly address: string;
  readonly namespace: string;
  stop(): Promise<void>;
}

export interface DevServerOptions {
  /** Path of the `temporal` CLI; defaults to `findTemporalBinary()`. */
  binary?: string;
  /** SQLite file for a server whose state survives restarts; in memory when absent. */
  dbFilename?: string;
  /** How long to wait for the cluster to report healthy. */
  startTimeoutMs?: number;
  /** Let this process exit while the server runs (the owner kills it on exit). */
  unref?: boolean;
}

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The project-local CLI installed by `scripts/install-tools.sh`, else `temporal` on PATH. */
export function findTemporalBinary(): string | undefined {
  const local = join(REPO_ROOT, '.tools/bin/temporal');
  if (existsSync(local)) return local;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'temporal');
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Starts `temporal server start-dev` on free loopback ports with Cairn's search attributes
 * registered, and resolves once `temporal operator cluster health` says it serves.
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const binary = options.binary ?? findTemporalBinary();
  if (!binary) throw new Error('no `temporal` binary: run `bash scripts/install-tools.sh` or put the Temporal CLI on PATH');
  const port = await freePort();
  const uiPort = await freePort();
  const address = `127.0.0.1:${port}`;
  const args = ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(port), '--ui-port', String(uiPort), '--log-level', 'warn', ...devServerSearchAttributeFlags()];
  if (options.dbFilename) args.push('--db-filename', options.dbFilename, '--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=NORMAL');
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-4000); });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  if (options.unref) {
    child.unref();
    (child.stderr as unknown as { unref(): void }).unref();
  }

  // The server must not outlive this process, whatever way it ends (an exception, process.exit).
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  void exited.then(() => process.off('exit', killOnExit));

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  while (!(await isHealthy(binary, address))) {
    if (child.exitCode !== null) throw new Error(`temporal dev server exited with ${child.exitCode}: ${stderr.trim()}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`temporal dev server on ${address} not healthy after ${options.startTimeoutMs ?? 60_000} ms: ${stderr.trim()}`);
    }
    await new Promise((done) => setTimeout(done, 250));
  }
  return { address, namespace: 'default', stop };
}

async function isHealthy(binary: string, address: string): Promise<boolean> {
  try {
    await execFileAsync(binary, ['operator', 'cluster', 'health', '--address', address], { timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}
