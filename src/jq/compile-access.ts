import { JqError } from './errors.ts';
import { indexValue, invalidPathAccess, invalidPathIterate, iterateError, sliceValue } from './indexing.ts';
import { tick, type Code, type Env, type K } from './runtime.ts';
import type { V } from './values.ts';

/** Accesses: `.[i]`, `.[a:b]`, `.[]`, with `?` suppressing only the access's own error. */
/** Marks an access whose error a `?` suppressed: it produces no output. */
export const SKIP: unique symbol = Symbol('skip');

export function optionally<A extends unknown[]>(f: (t: V, ...a: A) => V): (t: V, ...a: A) => V | typeof SKIP {
  return (t, ...a) => {
    try {
      return f(t, ...a);
    } catch (e) {
      if (e instanceof JqError) return SKIP;
      throw e;
    }
  };
}

function isIterable(t: V): boolean {
  return t !== null && typeof t === 'object';
}

export function iterate(t: V, k: K): void {
  if (Array.isArray(t)) {
    for (let i = 0; i < t.length; i++) {
      tick();
      k(t[i]!);
    }
  } else if (t !== null && typeof t === 'object') {
    for (const key in t) {
      tick();
      k(t[key]!);
    }
  } else iterateError(t);
}

export function compileIndex(target: Code, index: Code, get: (t: V, i: V) => V | typeof SKIP): Code {
  const to = target.one;
  const io = index.one;
  const pv: Code['pv'] = (input, path, env, k) =>
    index.ev(input, env, (i) =>
      target.pv(input, path, env, (t, p) => {
        if (p === null) invalidPathAccess(i, t);
        const v = get(t, i);
        if (v !== SKIP) k(v, [...p, i]);
      }),
    );
  if (get === indexValue) {
    if (to && io) {
      const one = (input: V, env: Env | null): V => {
        const i = io(input, env);
        return indexValue(to(input, env), i);
      };
      return { ev: (input, env, k) => k(one(input, env)), pv, one };
    }
    return { ev: (input, env, k) => index.ev(input, env, (i) => target.ev(input, env, (t) => k(indexValue(t, i)))), pv };
  }
  return {
    ev: (input, env, k) =>
      index.ev(input, env, (i) =>
        target.ev(input, env, (t) => {
          const v = get(t, i);
          if (v !== SKIP) k(v);
        }),
      ),
    pv,
  };
}


export function compileSlice(target: Code, from: Code, to: Code, optional: boolean): Code {
  const slice = optional ? optionally(sliceValue) : sliceValue;
  return {
    ev: (input, env, k) =>
      from.ev(input, env, (f) =>
        to.ev(input, env, (e) =>
          target.ev(input, env, (t) => {
            const v = slice(t, f, e);
            if (v !== SKIP) k(v);
          }),
        ),
      ),
    pv: (input, path, env, k) =>
      from.ev(input, env, (f) =>
        to.ev(input, env, (e) =>
          target.pv(input, path, env, (t, p) => {
            const key = { start: f, end: e };
            if (p === null) invalidPathAccess(key, t);
            const v = slice(t, f, e);
            if (v !== SKIP) k(v, [...p, key]);
          }),
        ),
      ),
  };
}


export function compileIterate(target: Code, optional: boolean): Code {
  return {
    ev: (input, env, k) => target.ev(input, env, (t) => (optional && !isIterable(t) ? undefined : iterate(t, k))),
    pv: (input, path, env, k) =>
      target.pv(input, path, env, (t, p) => {
        if (optional && !isIterable(t)) return;
        if (p === null) invalidPathIterate(t);
        if (Array.isArray(t)) {
          for (let i = 0; i < t.length; i++) {
            tick();
            k(t[i]!, [...p, i]);
          }
        } else if (t !== null && typeof t === 'object') {
          for (const key in t) {
            tick();
            k(t[key]!, [...p, key]);
          }
        } else iterateError(t);
      }),
  };
}

