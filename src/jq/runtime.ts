import { JqError, LimitExceeded } from './errors.ts';
import type { V } from './values.ts';

/** Continuation receiving one output. */
export type K = (v: V) => void;
/** Continuation receiving one output with its path (`null` when the output is not a path). */
export type PK = (v: V, path: Path) => void;
export type Path = V[] | null;

/** Runtime environment: a linked list of cells (variable values, closures, local functions, labels). */
export interface Env {
  readonly up: Env | null;
  readonly v: unknown;
}

/** A compiled expression. `one` exists when the expression always yields exactly one output. */
export interface Code {
  ev(input: V, env: Env | null, k: K): void;
  pv(input: V, path: Path, env: Env | null, k: PK): void;
  one?: (input: V, env: Env | null) => V;
}

/** A filter argument bound to the environment of its call site. */
export interface Closure {
  readonly code: Code;
  readonly env: Env | null;
}

/** Mutable state of the evaluation in progress (evaluation is synchronous and single-threaded). */
export const rt = {
  steps: 0,
  maxSteps: Infinity,
  depth: 0,
  maxDepth: Infinity,
  globals: [] as V[],
  now: undefined as (() => number) | undefined,
  log: undefined as ((line: string) => void) | undefined,
};

export function tick(): void {
  if (++rt.steps > rt.maxSteps) throw new LimitExceeded(`jq evaluation exceeded the limit of ${rt.maxSteps} steps`);
}

/** Charges work proportional to `n` (e.g. the length of a regex subject). */
export function charge(n: number): void {
  rt.steps += n;
  tick();
}

export function walk(env: Env | null, depth: number): Env {
  let e = env!;
  for (let i = 0; i < depth; i++) e = e.up!;
  return e;
}

/** An error raised downstream of a `try` (in its continuation), carried through that `try` untouched. */
export class Passthrough {
  constructor(
    readonly error: JqError,
    readonly owner: object,
  ) {}
}

/**
 * Runs `body` with a continuation wrapper so that errors raised by `k` (after the guarded expression
 * produced an output) escape, while errors raised inside `body` reach `onError`.
 */
export function guarded(body: (k: K) => void, k: K, onError: (e: JqError) => void): void {
  const owner = {};
  try {
    body((v) => {
      try {
        k(v);
      } catch (e) {
        throw e instanceof JqError ? new Passthrough(e, owner) : e;
      }
    });
  } catch (e) {
    if (e instanceof Passthrough && e.owner === owner) throw e.error;
    if (e instanceof JqError) onError(e);
    else throw e;
  }
}

export function guardedPath(body: (k: PK) => void, k: PK, onError: (e: JqError) => void): void {
  const owner = {};
  try {
    body((v, p) => {
      try {
        k(v, p);
      } catch (e) {
        throw e instanceof JqError ? new Passthrough(e, owner) : e;
      }
    });
  } catch (e) {
    if (e instanceof Passthrough && e.owner === owner) throw e.error;
    if (e instanceof JqError) onError(e);
    else throw e;
  }
}

/** A Code from value-mode parts; outputs in path mode are not paths. */
export function code(ev: Code['ev'], one?: Code['one']): Code {
  const c: Code = { ev, pv: (input, _path, env, k) => ev(input, env, (v) => k(v, null)) };
  if (one) c.one = one;
  return c;
}

export function codeOne(one: (input: V, env: Env | null) => V): Code {
  return code((input, env, k) => k(one(input, env)), one);
}
