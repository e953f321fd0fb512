import type { AssignOperator } from './ast.ts';
import { fail } from './errors.ts';
import { delpaths, getpath, setpath } from './indexing.ts';
import { add, divide, modulo, multiply, subtract } from './operators.ts';
import { code, type Code, type Env } from './runtime.ts';
import { isTruthy, truncatedDump, type V } from './values.ts';

/** Every path the left-hand side designates in `input`, as `path(lhs)` yields them. */
export function collectPaths(lhs: Code, input: V, env: Env | null): V[][] {
  const paths: V[][] = [];
  lhs.pv(input, [], env, (v, p) => {
    if (p === null) fail(`Invalid path expression with result ${truncatedDump(v)}`);
    paths.push(p);
  });
  return paths;
}

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

/** `lhs |= f`: each path gets the first output of `f`; paths where `f` is empty are deleted. */
export function modify(input: V, paths: V[][], f: Code, env: Env | null): V {
  let acc = input;
  const deletions: V[] = [];
  for (const p of paths) {
    const u = firstOutput(f, getpath(acc, p), env);
    if (u === undefined) deletions.push(p);
    else acc = setpath(acc, p, u);
  }
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
  if (op === '|=') return code((input, env, k) => k(modify(input, collectPaths(lhs, input, env), rhs, env)));
  if (op === '=') {
    return code((input, env, k) =>
      rhs.ev(input, env, (value) => {
        let acc = input;
        for (const p of collectPaths(lhs, input, env)) acc = setpath(acc, p, value);
        k(acc);
      }),
    );
  }
  const f = ARITH[op]!;
  return code((input, env, k) =>
    rhs.ev(input, env, (value) => {
      let acc = input;
      for (const p of collectPaths(lhs, input, env)) acc = setpath(acc, p, f(getpath(acc, p), value));
      k(acc);
    }),
  );
}
