import { firstOutput } from './compile-assign.ts';
import { JqError, fail } from './errors.ts';
import { getpath } from './indexing.ts';
import { cartesianFirstOuter, defineNative } from './natives.ts';
import { code, codeOne, tick, type Code, type Env, type K, type PK, type Path } from './runtime.ts';
import { describe, isTruthy, truncatedDump, type V } from './values.ts';

const nothing: Code = { ev: () => {}, pv: () => {} };

/** Stops a generator after it produced what we need; one token per evaluation. */
function firstOf(g: Code, input: V, env: Env | null): { v: V } | null {
  const v = firstOutput(g, input, env);
  return v === undefined ? null : { v };
}

function children(v: V, k: K): void {
  if (Array.isArray(v)) for (const x of v) k(x);
  else if (v !== null && typeof v === 'object') for (const key in v) k(v[key]!);
}

function childPaths(v: V, p: V[], k: PK): void {
  if (Array.isArray(v)) for (let i = 0; i < v.length; i++) k(v[i]!, [...p, i]);
  else if (v !== null && typeof v === 'object') for (const key in v) k(v[key]!, [...p, key]);
}

export function registerControl(): void {
  defineNative('empty', 0, () => nothing);
  defineNative('error', 0, () => code((input) => { throw new JqError(input); }));
  defineNative('error', 1, ([msg]) => code((input, env) => msg!.ev(input, env, (m) => { throw new JqError(m); })));
  defineNative('not', 0, () => codeOne((input) => !isTruthy(input)));
  defineNative('path', 1, ([f]) =>
    code((input, env, k) =>
      f!.pv(input, [], env, (v, p) => {
        if (p === null) fail(`Invalid path expression with result ${truncatedDump(v)}`);
        k(p);
      }),
    ),
  );
  defineNative('paths', 0, () =>
    code((input, _env, k) => {
      const rec = (v: V, p: V[]): void => {
        childPaths(v, p, (c, cp) => {
          tick();
          k(cp);
          rec(c, cp as V[]);
        });
      };
      rec(input, []);
    }),
  );
  defineNative('getpath', 1, ([p]) => ({
    ev: (input, env, k) => p!.ev(input, env, (path) => k(getpath(input, path))),
    pv: (input, path, env, k) =>
      p!.ev(input, env, (rel) => {
        if (!Array.isArray(rel)) fail('Path must be specified as an array');
        if (path === null) fail(`Invalid path expression with result ${truncatedDump(input)}`);
        k(getpath(input, rel), [...path, ...rel]);
      }),
  }));
  defineNative('select', 1, ([f]) => {
    const fo = f!.one;
    return {
      ev: fo ? (input, env, k) => { if (isTruthy(fo(input, env))) k(input); } : (input, env, k) => f!.ev(input, env, (c) => { if (isTruthy(c)) k(input); }),
      pv: (input, path, env, k) => f!.ev(input, env, (c) => { if (isTruthy(c)) k(input, path); }),
    };
  });
  defineNative('recurse', 0, () => ({
    ev: (input, _env, k) => {
      const rec = (v: V): void => {
        tick();
        k(v);
        children(v, rec);
      };
      rec(input);
    },
    pv: (input, path, _env, k) => {
      const rec = (v: V, p: Path): void => {
        tick();
        k(v, p);
        if (p !== null) childPaths(v, p, rec);
      };
      rec(input, path);
    },
  }));
  defineNative('recurse', 1, ([f]) => ({
    ev: (input, env, k) => {
      const rec = (v: V): void => {
        tick();
        k(v);
        f!.ev(v, env, rec);
      };
      rec(input);
    },
    pv: (input, path, env, k) => {
      const rec = (v: V, p: Path): void => {
        tick();
        k(v, p);
        f!.pv(v, p, env, rec);
      };
      rec(input, path);
    },
  }));
  defineNative('first', 1, ([f]) => ({
    ev: (input, env, k) => {
      const r = firstOf(f!, input, env);
      if (r) k(r.v);
    },
    pv: (input, path, env, k) => {
      const stop = {};
      const found: [V, Path][] = [];
      try {
        f!.pv(input, path, env, (v, p) => {
          found.push([v, p]);
          throw stop;
        });
      } catch (e) {
        if (e !== stop) throw e;
      }
      const first = found[0];
      if (first) k(first[0], first[1]);
    },
  }));
  defineNative('isempty', 1, ([f]) => codeOne((input, env) => firstOf(f!, input, env) === null));
  defineNative('last', 1, ([f]) => ({
    ev: (input, env, k) => {
      let last: [V] | undefined;
      f!.ev(input, env, (v) => {
        last = [v];
      });
      if (last) k(last[0]);
    },
    pv: (input, path, env, k) => {
      let last: [V, Path] | undefined;
      f!.pv(input, path, env, (v, p) => {
        last = [v, p];
      });
      if (last) k(last[0], last[1]);
    },
  }));
  defineNative('limit', 2, ([n, f]) => ({
    ev: (input, env, k) => n!.ev(input, env, (count) => takeSome(count, (stop) => f!.ev(input, env, (v) => { k(v); stop(); }))),
    pv: (input, path, env, k) => n!.ev(input, env, (count) => takeSome(count, (stop) => f!.pv(input, path, env, (v, p) => { k(v, p); stop(); }))),
  }));
  defineNative('skip', 2, ([n, f]) => ({
    ev: (input, env, k) =>
      n!.ev(input, env, (count) => {
        if (typeof count !== 'number' || count < 0) fail('skip doesn\'t support negative count');
        let i = 0;
        f!.ev(input, env, (v) => { if (i++ >= count) k(v); });
      }),
    pv: (input, path, env, k) =>
      n!.ev(input, env, (count) => {
        if (typeof count !== 'number' || count < 0) fail('skip doesn\'t support negative count');
        let i = 0;
        f!.pv(input, path, env, (v, p) => { if (i++ >= count) k(v, p); });
      }),
  }));
  defineNative('until', 2, ([cond, update]) =>
    code((input, env, k) => {
      const rec = (v: V): void => {
        tick();
        if (cond!.one && update!.one) {
          let x = v;
          while (!isTruthy(cond!.one(x, env))) {
            tick();
            x = update!.one(x, env);
          }
          k(x);
          return;
        }
        cond!.ev(v, env, (c) => (isTruthy(c) ? k(v) : update!.ev(v, env, rec)));
      };
      rec(input);
    }),
  );
  defineNative('while', 2, ([cond, update]) =>
    code((input, env, k) => {
      if (cond!.one && update!.one) {
        let x = input;
        while (isTruthy(cond!.one(x, env))) {
          tick();
          k(x);
          x = update!.one(x, env);
        }
        return;
      }
      const rec = (v: V): void => {
        tick();
        cond!.ev(v, env, (c) => {
          if (isTruthy(c)) {
            k(v);
            update!.ev(v, env, rec);
          }
        });
      };
      rec(input);
    }),
  );
  defineNative('repeat', 1, ([f]) =>
    code((input, env, k) => {
      if (f!.one) {
        let x = input;
        for (;;) {
          tick();
          k(x);
          x = f!.one(x, env);
        }
      }
      const rec = (v: V): void => {
        tick();
        k(v);
        f!.ev(v, env, rec);
      };
      rec(input);
    }),
  );
  const range = (from: V, upto: V, by: V, k: K): void => {
    if (typeof from !== 'number' || typeof upto !== 'number' || typeof by !== 'number') fail('Range bounds must be numeric');
    if (by > 0) for (let x = from; x < upto; x += by) { tick(); k(x); }
    else if (by < 0) for (let x = from; x > upto; x += by) { tick(); k(x); }
  };
  defineNative('range', 1, ([n]) => code((input, env, k) => n!.ev(input, env, (upto) => range(0, upto, 1, k))));
  defineNative('range', 2, (args) => code((input, env, k) => cartesianFirstOuter(args, input, env, ([a, b]) => range(a!, b!, 1, k))));
  defineNative('range', 3, (args) => code((input, env, k) => cartesianFirstOuter(args, input, env, ([a, b, c]) => range(a!, b!, c!, k))));
  defineNative('any', 2, ([gen, cond]) => codeOne((input, env) => firstOf(pipeTruthy(gen!, cond!, true), input, env) !== null));
  defineNative('all', 2, ([gen, cond]) => codeOne((input, env) => firstOf(pipeTruthy(gen!, cond!, false), input, env) === null));
  defineNative('map', 1, ([f]) => {
    const fo = f!.one;
    return codeOne((input, env) => {
      const out: V[] = [];
      const each = (x: V): void => {
        if (fo) out.push(fo(x, env));
        else f!.ev(x, env, (v) => { out.push(v); });
      };
      if (Array.isArray(input)) for (const x of input) { tick(); each(x); }
      else if (input !== null && typeof input === 'object') for (const key in input) { tick(); each(input[key]!); }
      else fail(`Cannot iterate over ${describe(input)}`);
      return out;
    });
  });
  defineNative('halt', 0, () => code(() => { throw new HaltSignal(); }));
}

/** `halt`: ends the program; the outputs produced so far stand. */
export class HaltSignal {}

/** Outputs of `gen | cond` equal to `want` (for `any`/`all` with early exit). */
function pipeTruthy(gen: Code, cond: Code, want: boolean): Code {
  return code((input, env, k) => gen.ev(input, env, (v) => cond.ev(v, env, (c) => { if (isTruthy(c) === want) k(c); })));
}

function takeSome(count: V, run: (stop: () => void) => void): void {
  if (typeof count !== 'number') fail('Invalid limit: must be a number');
  if (count < 0) fail("limit doesn't support negative count");
  if (count === 0) return;
  const token = {};
  let seen = 0;
  try {
    run(() => {
      if (++seen >= count) throw token;
    });
  } catch (e) {
    if (e !== token) throw e;
  }
}
