import { LimitExceeded } from './errors.ts';
import { rt, tick, walk, type Closure, type Code, type Env, type K, type PK, type Path } from './runtime.ts';
import type { FnInfo } from './scope.ts';
import type { V } from './values.ts';

function enter(): void {
  tick();
  if (++rt.depth > rt.maxDepth) {
    rt.depth--;
    throw new LimitExceeded(`jq evaluation exceeded the maximum depth of ${rt.maxDepth} nested calls`);
  }
}

/**
 * A call of a jq-defined function: binds filter arguments as closures over the caller's environment;
 * `$name` parameters are also bound as variables, for every output of their argument (first parameter
 * in the outer loop), as in `def f(a): a as $a | ...`.
 */
export function compileFnCall(fn: FnInfo, depth: number, args: Code[]): Code {
  const isStatic = fn.isStatic;
  const valueParams = fn.params.map((p) => p.startsWith('$'));
  const hasValueParams = valueParams.some(Boolean);
  const base = (env: Env | null): Env | null => (isStatic ? null : walk(env, depth));

  const bind = (env: Env | null, input: V, then: (bodyEnv: Env | null) => void): void => {
    const step = (i: number, e: Env | null): void => {
      if (i === args.length) {
        then(e);
        return;
      }
      const arg = args[i]!;
      const withClosure: Env = { up: e, v: { code: arg, env } satisfies Closure };
      if (!valueParams[i]) step(i + 1, withClosure);
      else if (arg.one) step(i + 1, { up: withClosure, v: arg.one(input, env) });
      else arg.ev(input, env, (v) => step(i + 1, { up: withClosure, v }));
    };
    step(0, base(env));
  };

  const ev = (input: V, env: Env | null, k: K): void => {
    enter();
    try {
      if (!hasValueParams) {
        let e = base(env);
        for (const arg of args) e = { up: e, v: { code: arg, env } satisfies Closure };
        fn.code!.ev(input, e, k);
      } else bind(env, input, (e) => fn.code!.ev(input, e, k));
    } finally {
      rt.depth--;
    }
  };
  const pv = (input: V, path: Path, env: Env | null, k: PK): void => {
    enter();
    try {
      bind(env, input, (e) => fn.code!.pv(input, path, e, k));
    } finally {
      rt.depth--;
    }
  };
  const bodyOne = args.length === 0 ? fn.code?.one : undefined;
  if (bodyOne) {
    const one = (input: V, env: Env | null): V => {
      enter();
      try {
        return bodyOne(input, base(env));
      } finally {
        rt.depth--;
      }
    };
    return { ev, pv, one };
  }
  return { ev, pv };
}
