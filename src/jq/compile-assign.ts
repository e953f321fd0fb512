import type { AssignOperator } from './ast.ts';
import { fail } from './errors.ts';
import { delpaths, getpath, setpath } from './indexing.ts';
import { add, divide, modulo, multiply, subtract } from './operators.ts';
import { code, type Code, type Env } from './runtime.ts';
import { isTruthy, truncatedDump, type V } from './values.ts';

/** The first output of `f` for `input`, or `undefined` when it has none. */
export function firstOutput(f: Code, input: V, env: Env | null): V | undefined {
  if (f.one) return f.one(input, env);
  const stop = {};
  let out: V | undefined;
  try {
    f.ev(input, env, (v) => {
      out = v;
      throw stop;
    });
  } catch (e) {
    if (e !== stop) throw e;
  }
  return out;
}

/** Calls `k` with each path of `lhs` in `input`, as they are produced (jq interleaves paths and updates). */
function eachPath(lhs: Code, input: V, env: Env | null, k: (p: V[]) => void): void {
  lhs.pv(input, [], env, (v, p) => {
    if (p === null) fail(`Invalid path expression with result ${truncatedDump(v)}`);
    k(p);
  });
}

/** `lhs |= f`: each path gets the first output of `f`; paths where `f` is empty are deleted. */
export function modify(input: V, lhs: Code, f: Code, env: Env | null): V {
  let acc = input;
  const deletions: V[] = [];
  eachPath(lhs, input, env, (p) => {
    const u = firstOutput(f, getpath(acc, p), env);
    if (u === undefined) deletions.push(p);
    else acc = setpath(acc, p, u);
  });
  return deletions.length ? delpaths(acc, deletions) : acc;
}

const ARITH: Record<string, (a: V, b: V) => V> = {
  '+=': add,
  '-=': subtract,
  '*=': multiply,
  '/=': divide,
  '%=': modulo,
  '//=': (a, b) => (isTruthy(a) ? a : b),
};

export function compileAssign(op: AssignOperator, lhs: Code, rhs: Code): Code {
  if (op === '|=') return code((input, env, k) => k(modify(input, lhs, rhs, env)));
  const f = op === '=' ? (_old: V, value: V) => value : ARITH[op]!;
  return code((input, env, k) =>
    rhs.ev(input, env, (value) => {
      let acc = input;
      eachPath(lhs, input, env, (p) => {
        acc = setpath(acc, p, f(getpath(acc, p), value));
      });
      k(acc);
    }),
  );
}
