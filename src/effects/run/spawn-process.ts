import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import type { ProcessReturn } from '../../core/effects.ts';
import type { Json } from '../../core/json.ts';
import { CancelledError, workflowError } from '../../core/errors.ts';

export interface ProcessSpec {
  /** Executable path or name (looked up on PATH); never a shell string. */
  file: string;
  args: string[];
  stdin?: string;
  environment: Record<string, string>;
  return: ProcessReturn;
  await: boolean;
  /** How errors name the process ("shell command", "python script"…). */
  label: string;
  /** Called once the process has exited (or failed to start): temp-file cleanup and the like. */
  onExit?: () => void;
}

/** Variables a child may need to run at all; nothing else of the worker's environment (which may hold credentials) leaks in. */
const INHERITED_ENVIRONMENT = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'TMPDIR', 'USER', 'LOGNAME'];

/** Per stream: larger outputs fault rather than flow into events and Temporal history. */
export const MAX_OUTPUT_BYTES = 1024 * 1024;
const STDERR_TAIL_CHARS = 2000;
/** After SIGTERM, the group gets this long to exit before SIGKILL. */
const KILL_GRACE_MS = 2000;

/**
 * Runs one process without a shell, in its own process group so that cancelling (task timeout,
 * fork loser, external cancel) kills it together with everything it started. Resolves with the
 * output `return` asks for; a non-zero exit faults with a `runtime` error carrying the stderr tail,
 * unless `return` is `code` or `all`.
 */
export function runProcess(spec: ProcessSpec, signal: AbortSignal): Promise<Json> {
  if (signal.aborted) return Promise.reject(new CancelledError(`${spec.label} cancelled before it started`));
  const env = processEnvironment(spec.environment);
  if (!spec.await) return startDetached(spec, env);
  return new Promise<Json>((resolve, reject) => {
    const child = spawn(spec.file, spec.args, { env, detached: true, stdio: [spec.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const stdout = collect(child, 'stdout');
    const stderr = collect(child, 'stderr');
    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      killGroup(child, 'SIGTERM');
      killTimer = setTimeout(() => killGroup(child, 'SIGKILL'), KILL_GRACE_MS);
      killTimer.unref();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const finish = (): void => {
      signal.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
      spec.onExit?.();
    };
    writeStdin(child, spec.stdin);
    child.once('error', (error: NodeJS.ErrnoException) => {
      finish();
      reject(startFailure(spec, error));
    });
    child.once('close', (code, exitSignal) => {
      finish();
      if (signal.aborted) return reject(new CancelledError(`${spec.label} cancelled`));
      if (stdout.overflow || stderr.overflow) {
        return reject(workflowError('runtime', `${spec.label} wrote more than ${MAX_OUTPUT_BYTES} bytes to ${stdout.overflow ? 'stdout' : 'stderr'}`));
      }
      const exitCode = code ?? 128 + signalNumber(exitSignal);
      const out = stdout.text();
      const err = stderr.text();
      if (exitCode !== 0 && spec.return !== 'code' && spec.return !== 'all') {
        const tail = err.length > STDERR_TAIL_CHARS ? `…${err.slice(-STDERR_TAIL_CHARS)}` : err;
        return reject(workflowError('runtime', `${spec.label} exited with code ${exitCode}${tail ? `: ${tail}` : ''}`, { exitCode, stderr: tail }));
      }
      resolve(selectOutput(spec.return, exitCode, out, err));
    });
  });
}

function selectOutput(mode: ProcessReturn, code: number, stdout: string, stderr: string): Json {
  switch (mode) {
    case 'stdout':
      return stdout;
    case 'stderr':
      return stderr;
    case 'code':
      return code;
    case 'all':
      return { code, stdout, stderr };
    case 'none':
      return null;
  }
}

/** `await: false`: started in its own session, not tied to this process or the task's scope; resolves once it has started. */
function startDetached(spec: ProcessSpec, env: Record<string, string>): Promise<Json> {
  return new Promise<Json>((resolve, reject) => {
    const child = spawn(spec.file, spec.args, { env, detached: true, stdio: [spec.stdin === undefined ? 'ignore' : 'pipe', 'ignore', 'ignore'] });
    child.once('error', (error: NodeJS.ErrnoException) => {
      spec.onExit?.();
      reject(startFailure(spec, error));
    });
    child.once('spawn', () => {
      writeStdin(child, spec.stdin);
      child.once('exit', () => spec.onExit?.());
      child.unref();
      resolve(null);
    });
  });
}

function startFailure(spec: ProcessSpec, error: NodeJS.ErrnoException): Error {
  const reason = error.code === 'ENOENT' ? `'${spec.file}' was not found on PATH` : error.message;
  return workflowError('runtime', `${spec.label} could not start: ${reason}`);
}

function writeStdin(child: ChildProcess, stdin: string | undefined): void {
  if (stdin === undefined || !child.stdin) return;
  // A process that exits without reading its stdin closes the pipe: that is not an error.
  child.stdin.on('error', () => undefined);
  child.stdin.end(stdin);
}

function collect(child: ChildProcess, stream: 'stdout' | 'stderr'): { text(): string; overflow: boolean } {
  const chunks: Buffer[] = [];
  let size = 0;
  const state = {
    overflow: false,
    text: () => trimFinalNewline(Buffer.concat(chunks).toString('utf8')),
  };
  child[stream]?.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_OUTPUT_BYTES) {
      if (!state.overflow) killGroup(child, 'SIGKILL');
      state.overflow = true;
      return;
    }
    chunks.push(chunk);
  });
  return state;
}

/** `echo hi` outputs "hi", not "hi\n": one final line break is a terminator, not content. */
function trimFinalNewline(text: string): string {
  return text.replace(/\r?\n$/, '');
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

function signalNumber(signal: NodeJS.Signals | null): number {
  return signal === null ? 0 : (constants.signals[signal] ?? 0);
}

function processEnvironment(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of INHERITED_ENVIRONMENT) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, ...extra };
}
