import type { Ast, FuncDefinition } from './ast.ts';
import { compileAssign } from './compile-assign.ts';
import { compileBind, compileForeach, compileReduce } from './compile-bind.ts';
import { compileFnCall } from './compile-call.ts';
import { BreakSignal, JqError, fail } from './errors.ts';
import { getFormat } from './format.ts';
import { indexValue, invalidPathAccess, invalidPathIterate, iterateError, sliceValue } from './indexing.ts';
import { NATIVES } from './natives.ts';
import { add, divide, modulo, multiply, negate, subtract } from './operators.ts';
import { code, codeOne, guarded, guardedPath, tick, walk, type Closure, type Code, type Env, type K, type PK, type Path } from './runtime.ts';
import { lookupCell, lookupFn, push, syntaxError, type FnInfo, type Scope } from './scope.ts';
import { tostring } from './tostring.ts';
import { compare, describe, equals, isTruthy, setKey, type Obj, type V } from './values.ts';

export interface CompileContext {
  /** names of the program's global `$variables`, by slot */
  globals: readonly string[];
  /** the prelude's scope, searched after the program's own definitions */
  base: Scope | null;
}

/** Builtins that reach outside the expression; workflows may not use them. */
const FORBIDDEN = new Set(['input', 'inputs', 'env', 'debug', 'stderr', 'input_filename', 'halt_error', 'get_search_list', 'get_prog_origin', 'get_jq_origin', 'import', 'include', 'modulemeta']);

export class Compiler {
  constructor(readonly ctx: CompileContext) {}

  compile(ast: Ast, scope: Scope | null): Code {
    switch (ast.t) {
      case 'Identity':
        return { ev: (input, _env, k) => k(input), pv: (input, path, _env, k) => k(input, path), one: (input) => input };
      case 'RecurseAll':
        return this.compileCall({ t: 'Call', name: 'recurse', args: [], pos: ast.pos }, scope);
      case 'Lit': {
        const v = ast.v;
        return codeOne(() => v);
      }
      case 'Str':
        return this.compileString(ast, scope);
      case 'Format': {
        const f = this.format(ast.name, ast.pos);
        return codeOne((input) => f(input));
      }
      case 'Index': {
        const c = this.compileIndex(this.compile(ast.target, scope), this.compile(ast.index, scope), ast.optional ? optionally(indexValue) : indexValue);
        return c;
      }
      case 'Slice':
        return this.compileSlice(ast, scope);
      case 'Iterate':
        return this.compileIterate(this.compile(ast.target, scope), ast.optional === true);
      case 'Array': {
        if (!ast.body) return codeOne(() => []);
        const body = this.compile(ast.body, scope);
        const bo = body.one;
        if (bo) return codeOne((input, env) => [bo(input, env)]);
        return codeOne((input, env) => {
          const out: V[] = [];
          body.ev(input, env, (v) => {
            out.push(v);
          });
          return out;
        });
      }
      case 'Object':
        return this.compileObject(ast, scope);
      case 'Neg': {
        // jq folds the negation of a literal number as a subtraction from 0 (so -0 folds to 0)
        if (ast.body.t === 'Lit' && typeof ast.body.v === 'number') {
          const v = 0 - ast.body.v;
          return codeOne(() => v);
        }
        const body = this.compile(ast.body, scope);
        return this.unary(body, negate);
      }
      case 'Pipe':
        return pipe(this.compile(ast.left, scope), this.compile(ast.right, scope));
      case 'Comma': {
        const l = this.compile(ast.left, scope);
        const r = this.compile(ast.right, scope);
        return {
          ev: (input, env, k) => {
            l.ev(input, env, k);
            r.ev(input, env, k);
          },
          pv: (input, path, env, k) => {
            l.pv(input, path, env, k);
            r.pv(input, path, env, k);
          },
        };
      }
      case 'Binop':
        return this.compileBinop(ast.op, this.compile(ast.left, scope), this.compile(ast.right, scope));
      case 'And':
      case 'Or':
        return this.compileLogic(ast.t === 'And', this.compile(ast.left, scope), this.compile(ast.right, scope));
      case 'Alt':
        return compileAlt(this.compile(ast.left, scope), this.compile(ast.right, scope));
      case 'Assign':
        return compileAssign(ast.op, this.compile(ast.left, scope), this.compile(ast.right, scope));
      case 'If':
        return this.compileIf(this.compile(ast.cond, scope), this.compile(ast.then, scope), ast.else ? this.compile(ast.else, scope) : null);
      case 'Try':
        return compileTry(this.compile(ast.body, scope), ast.handler ? this.compile(ast.handler, scope) : null);
      case 'Reduce':
        return compileReduce(this, ast, scope);
      case 'Foreach':
        return compileForeach(this, ast, scope);
      case 'Bind':
        return compileBind(this, ast, scope);
      case 'Label':
        return this.compileLabel(ast.name, ast.body, scope);
      case 'Break': {
        const depth = lookupCell(scope, 'label', ast.name);
        if (depth === null) return syntaxError(`$*label-${ast.name} is not defined`, ast.pos);
        const thrower = (env: Env | null): never => {
          throw new BreakSignal(walk(env, depth).v as object);
        };
        return { ev: (_i, env) => thrower(env), pv: (_i, _p, env) => thrower(env) };
      }
      case 'Call':
        return this.compileCall(ast, scope);
      case 'Var':
        return this.compileVar(ast.name, ast.pos, scope);
      case 'FuncDef': {
        const { fn, scope: inner } = this.define(ast.def, scope);
        const rest = this.compile(ast.rest, inner);
        if (fn.isStatic) return rest;
        return {
          ev: (input, env, k) => rest.ev(input, { up: env, v: fn }, k),
          pv: (input, path, env, k) => rest.pv(input, path, { up: env, v: fn }, k),
        };
      }
    }
  }

  /** Adds a definition to the scope; the body is compiled when first called. */
  define(def: FuncDefinition, scope: Scope | null): { fn: FnInfo; scope: Scope } {
    const fn: FnInfo = { name: def.name, params: def.params, body: def.body, isStatic: (scope?.cells ?? 0) === 0, bodyScope: null, code: null, compiling: false };
    const withSelf = push(scope, { kind: 'fn', name: def.name, arity: def.params.length, fn });
    let bodyScope: Scope = withSelf;
    for (const p of def.params) {
      if (p.startsWith('$')) {
        bodyScope = push(bodyScope, { kind: 'param', name: p.slice(1) });
        bodyScope = push(bodyScope, { kind: 'var', name: p.slice(1) });
      } else bodyScope = push(bodyScope, { kind: 'param', name: p });
    }
    fn.bodyScope = bodyScope;
    return { fn, scope: withSelf };
  }

  ensureCompiled(fn: FnInfo): void {
    if (fn.code || fn.compiling) return;
    fn.compiling = true;
    try {
      fn.code = this.compile(fn.body, fn.bodyScope);
    } finally {
      fn.compiling = false;
    }
  }

  private format(name: string, pos: number): (v: V) => string {
    const f = getFormat(name);
    if (!f) return syntaxError(`${name} is not a valid format`, pos);
    return f;
  }

  private compileVar(name: string, pos: number, scope: Scope | null): Code {
    const depth = lookupCell(scope, 'var', name);
    if (depth !== null) {
      if (depth === 0) return codeOne((_i, env) => env!.v as V);
      if (depth === 1) return codeOne((_i, env) => env!.up!.v as V);
      return codeOne((_i, env) => walk(env, depth).v as V);
    }
    const slot = this.ctx.globals.indexOf(name);
    if (slot >= 0) return codeOne(() => globalsRef.values[slot]!);
    if (name === 'ENV') return syntaxError('$ENV is not available in workflow expressions (it would expose the host environment)', pos);
    if (name === '__prog_args') return syntaxError('$__prog_args is not available in workflow expressions', pos);
    return syntaxError(`$${name} is not defined`, pos);
  }

  compileCall(ast: Extract<Ast, { t: 'Call' }>, scope: Scope | null): Code {
    const arity = ast.args.length;
    const found = lookupFn(scope, ast.name, arity) ?? lookupFn(this.ctx.base, ast.name, arity);
    if (found?.kind === 'param') {
      const depth = found.depth;
      return {
        ev: (input, env, k) => {
          const cl = walk(env, depth).v as Closure;
          cl.code.ev(input, cl.env, k);
        },
        pv: (input, path, env, k) => {
          const cl = walk(env, depth).v as Closure;
          cl.code.pv(input, path, cl.env, k);
        },
      };
    }
    const args = ast.args.map((a) => this.compile(a, scope));
    if (found?.kind === 'fn') {
      this.ensureCompiled(found.fn);
      return compileFnCall(found.fn, found.depth, args);
    }
    const native = NATIVES.get(`${ast.name}/${arity}`);
    if (native) return native.compile(args, ast.pos);
    if (FORBIDDEN.has(ast.name)) return syntaxError(`${ast.name} is not allowed in workflow expressions (it reaches outside the expression)`, ast.pos);
    return syntaxError(`${ast.name}/${arity} is not defined`, ast.pos);
  }

  private compileString(ast: Extract<Ast, { t: 'Str' }>, scope: Scope | null): Code {
    const fmt = ast.format === null ? tostring : this.format(ast.format, ast.pos);
    const parts = ast.parts.map((p) => (typeof p === 'string' ? p : this.compile(p, scope)));
    if (parts.every((p) => typeof p === 'string' || p.one)) {
      const ones = parts.map((p) => (typeof p === 'string' ? p : p.one!));
      return codeOne((input, env) => {
        let s = '';
        for (const p of ones) s += typeof p === 'string' ? p : fmt(p(input, env));
        return s;
      });
    }
    return code((input, env, k) => {
      const pieces: string[] = new Array<string>(parts.length);
      const step = (i: number): void => {
        if (i < 0) {
          k(pieces.join(''));
          return;
        }
        const p = parts[i]!;
        if (typeof p === 'string') {
          pieces[i] = p;
          step(i - 1);
        } else
          p.ev(input, env, (v) => {
            pieces[i] = fmt(v);
            step(i - 1);
          });
      };
      step(parts.length - 1);
    });
  }

  private compileIndex(target: Code, index: Code, get: (t: V, i: V) => V | typeof SKIP): Code {
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

  private compileSlice(ast: Extract<Ast, { t: 'Slice' }>, scope: Scope | null): Code {
    const slice = ast.optional ? optionally(sliceValue) : sliceValue;
    const target = this.compile(ast.target, scope);
    const from = ast.from ? this.compile(ast.from, scope) : codeOne(() => null);
    const to = ast.to ? this.compile(ast.to, scope) : codeOne(() => null);
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

  private compileIterate(target: Code, optional: boolean): Code {
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

  private compileObject(ast: Extract<Ast, { t: 'Object' }>, scope: Scope | null): Code {
    const entries = ast.entries.map((e) => ({ key: this.compile(e.key, scope), value: this.compile(e.value, scope) }));
    if (entries.every((e) => e.key.one && e.value.one)) {
      const ones = entries.map((e) => ({ key: e.key.one!, value: e.value.one! }));
      return codeOne((input, env) => {
        const o: Obj = {};
        for (const e of ones) setKey(o, objectKey(e.key(input, env)), e.value(input, env));
        return o;
      });
    }
    return code((input, env, k) => {
      const step = (i: number, o: Obj): void => {
        if (i === entries.length) {
          k(o);
          return;
        }
        const e = entries[i]!;
        e.key.ev(input, env, (key) => {
          const name = objectKey(key);
          e.value.ev(input, env, (v) => {
            const next: Obj = { ...o };
            setKey(next, name, v);
            step(i + 1, next);
          });
        });
      };
      step(0, {});
    });
  }

  private unary(body: Code, f: (v: V) => V): Code {
    const bo = body.one;
    if (bo) return codeOne((input, env) => f(bo(input, env)));
    return code((input, env, k) => body.ev(input, env, (v) => k(f(v))));
  }

  private compileBinop(op: string, l: Code, r: Code): Code {
    const f = BINOPS[op]!;
    const lo = l.one;
    const ro = r.one;
    // jq evaluates the right operand first (it is the outer loop)
    if (lo && ro) {
      return codeOne((input, env) => {
        const b = ro(input, env);
        return f(lo(input, env), b);
      });
    }
    return code((input, env, k) => r.ev(input, env, (b) => l.ev(input, env, (a) => k(f(a, b)))));
  }

  private compileLogic(isAnd: boolean, l: Code, r: Code): Code {
    const lo = l.one;
    const ro = r.one;
    if (lo && ro) {
      return isAnd
        ? codeOne((input, env) => isTruthy(lo(input, env)) && isTruthy(ro(input, env)))
        : codeOne((input, env) => isTruthy(lo(input, env)) || isTruthy(ro(input, env)));
    }
    return code((input, env, k) =>
      l.ev(input, env, (a) => {
        if (isAnd ? !isTruthy(a) : isTruthy(a)) k(!isAnd);
        else r.ev(input, env, (b) => k(isTruthy(b)));
      }),
    );
  }

  private compileIf(cond: Code, then: Code, otherwise: Code | null): Code {
    const els: Code = otherwise ?? { ev: (i, _e, k) => k(i), pv: (i, p, _e, k) => k(i, p), one: (i) => i };
    const co = cond.one;
    const pv: Code['pv'] = (input, path, env, k) => cond.ev(input, env, (c) => (isTruthy(c) ? then : els).pv(input, path, env, k));
    if (co) {
      const to = then.one;
      const eo = els.one;
      if (to && eo) return { ev: (input, env, k) => k(isTruthy(co(input, env)) ? to(input, env) : eo(input, env)), pv, one: (input, env) => (isTruthy(co(input, env)) ? to(input, env) : eo(input, env)) };
      return { ev: (input, env, k) => (isTruthy(co(input, env)) ? then : els).ev(input, env, k), pv };
    }
    return { ev: (input, env, k) => cond.ev(input, env, (c) => (isTruthy(c) ? then : els).ev(input, env, k)), pv };
  }

  private compileLabel(name: string, bodyAst: Ast, scope: Scope | null): Code {
    const body = this.compile(bodyAst, push(scope, { kind: 'label', name }));
    return {
      ev: (input, env, k) => {
        const token = {};
        try {
          body.ev(input, { up: env, v: token }, k);
        } catch (e) {
          if (!(e instanceof BreakSignal && e.label === token)) throw e;
        }
      },
      pv: (input, path, env, k) => {
        const token = {};
        try {
          body.pv(input, path, { up: env, v: token }, k);
        } catch (e) {
          if (!(e instanceof BreakSignal && e.label === token)) throw e;
        }
      },
    };
  }
}

/** The global `$variables` of the evaluation in progress. */
export const globalsRef = { values: [] as V[] };

export function objectKey(key: V): string {
  if (typeof key === 'string') return key;
  return fail(`Cannot use ${describe(key)} as object key`);
}

/** Marks an access whose error a `?` suppressed: it produces no output. */
const SKIP: unique symbol = Symbol('skip');

function optionally<A extends unknown[]>(f: (t: V, ...a: A) => V): (t: V, ...a: A) => V | typeof SKIP {
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

export function pipe(l: Code, r: Code): Code {
  const lo = l.one;
  const ro = r.one;
  const pv: Code['pv'] = (input, path, env, k) => l.pv(input, path, env, (v, p) => r.pv(v, p, env, k));
  if (lo && ro) return { ev: (input, env, k) => k(ro(lo(input, env), env)), pv, one: (input, env) => ro(lo(input, env), env) };
  if (lo) return { ev: (input, env, k) => r.ev(lo(input, env), env, k), pv };
  return { ev: (input, env, k) => l.ev(input, env, (v) => r.ev(v, env, k)), pv };
}

/** `a // b`: the truthy outputs of `a`, or else those of `b`; errors in `a` propagate (jq 1.8). */
function compileAlt(l: Code, r: Code): Code {
  const lo = l.one;
  const ro = r.one;
  const pv: Code['pv'] = (input, path, env, k) => {
    let any = false;
    l.pv(input, path, env, (v, p) => {
      if (isTruthy(v)) {
        any = true;
        k(v, p);
      }
    });
    if (!any) r.pv(input, path, env, k);
  };
  if (lo && ro) {
    const one = (input: V, env: Env | null): V => {
      const v = lo(input, env);
      return isTruthy(v) ? v : ro(input, env);
    };
    return { ev: (input, env, k) => k(one(input, env)), pv, one };
  }
  return {
    ev: (input, env, k) => {
      let any = false;
      l.ev(input, env, (v) => {
        if (isTruthy(v)) {
          any = true;
          k(v);
        }
      });
      if (!any) r.ev(input, env, k);
    },
    pv,
  };
}

function compileTry(body: Code, handler: Code | null): Code {
  return {
    ev: (input, env, k) =>
      guarded((kk) => body.ev(input, env, kk), k, (e) => {
        if (handler) handler.ev(e.value, env, k);
      }),
    pv: (input, path: Path, env, k: PK) =>
      guardedPath((kk) => body.pv(input, path, env, kk), k, (e) => {
        if (handler) handler.pv(e.value, null, env, k);
      }),
  };
}

const compareOp = (f: (c: number) => boolean) => (a: V, b: V): V => f(compare(a, b));

const BINOPS: Record<string, (a: V, b: V) => V> = {
  '+': add,
  '-': subtract,
  '*': multiply,
  '/': divide,
  '%': modulo,
  '==': (a, b) => equals(a, b),
  '!=': (a, b) => !equals(a, b),
  '<': compareOp((c) => c < 0),
  '<=': compareOp((c) => c <= 0),
  '>': compareOp((c) => c > 0),
  '>=': compareOp((c) => c >= 0),
};

