import { code, codeOne, type Code, type Env } from './runtime.ts';
import type { V } from './values.ts';

/** A builtin implemented in TypeScript; `compile` receives the compiled arguments of one call site. */
export interface NativeDef {
  compile(args: Code[], pos: number): Code;
}

export const NATIVES = new Map<string, NativeDef>();

export function defineNative(name: string, arity: number, compile: NativeDef['compile']): void {
  NATIVES.set(`${name}/${arity}`, { compile });
}

/** A builtin with no arguments and exactly one output. */
export function defineSimple(name: string, fn: (input: V) => V): void {
  defineNative(name, 0, () => codeOne((input) => fn(input)));
}

/**
 * A builtin whose arguments are values (jq's C functions): every combination of argument outputs,
 * the first argument varying fastest.
 */
export function defineValues(name: string, arity: number, fn: (input: V, ...args: V[]) => V): void {
  defineNative(name, arity, (args) => {
    if (args.every((a) => a.one)) {
      if (arity === 1) {
        const a0 = args[0]!.one!;
        return codeOne((input, env) => fn(input, a0(input, env)));
      }
      if (arity === 2) {
        const a0 = args[0]!.one!;
        const a1 = args[1]!.one!;
        return codeOne((input, env) => fn(input, a0(input, env), a1(input, env)));
      }
      const ones = args.map((a) => a.one!);
      return codeOne((input, env) => fn(input, ...ones.map((o) => o(input, env))));
    }
    return code((input, env, k) => cartesian(args, input, env, (vals) => k(fn(input, ...vals))));
  });
}

/** Calls `k` with every combination of argument outputs, the last argument in the outer loop. */
export function cartesian(args: Code[], input: V, env: Env | null, k: (vals: V[]) => void): void {
  const vals: V[] = new Array<V>(args.length);
  const step = (i: number): void => {
    if (i < 0) {
      k(vals.slice());
      return;
    }
    args[i]!.ev(input, env, (v) => {
      vals[i] = v;
      step(i - 1);
    });
  };
  step(args.length - 1);
}

/** Like `cartesian` but with the first argument in the outer loop (jq-defined `$param` functions). */
export function cartesianFirstOuter(args: Code[], input: V, env: Env | null, k: (vals: V[]) => void): void {
  const vals: V[] = new Array<V>(args.length);
  const step = (i: number): void => {
    if (i === args.length) {
      k(vals.slice());
      return;
    }
    args[i]!.ev(input, env, (v) => {
      vals[i] = v;
      step(i + 1);
    });
  };
  step(0);
}

