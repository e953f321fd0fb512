import type { Ast, FuncDefinition } from './ast.ts';
import { compileIndex, compileIterate, compileSlice, optionally } from './compile-access.ts';
import { compileAssign } from './compile-assign.ts';
import { compileBind, compileForeach, compileReduce } from './compile-bind.ts';
import { compileFnCall } from './compile-call.ts';
import { compileAlt, compileBinop, compileIf, compileLabel, compileLogic, compileTry, pipe, unary } from './compile-control.ts';
import { BreakSignal, fail } from './errors.ts';
import { getFormat } from './format.ts';
import { indexValue } from './indexing.ts';
import { NATIVES } from './natives.ts';
import { negate } from './operators.ts';
import { code, codeOne, walk, type Closure, type Code, type Env } from './runtime.ts';
import { lookupCell, lookupFn, push, syntaxError, type FnInfo, type Scope } from './scope.ts';
import { tostring } from './tostring.ts';
import { describe, setKey, type Obj, type V } from './values.ts';

export interface CompileContext {
  /** names of the program's global `$variables`, by slot */
  globals: readonly string[];
  /** the prelude's scope, searched after the program's own definitions */
  base: Scope | null;
}

/** Builtins that reach outside the expression; workflows may not use them. */
const FORBIDDEN = new Set(['input', 'inputs', 'env', 'input_filename', 'halt_error', 'get_search_list', 'get_prog_origin', 'get_jq_origin', 'import', 'include', 'modulemeta']);

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
        return compileIndex(this.compile(ast.target, scope), this.compile(ast.index, scope), ast.optional ? optionally(indexValue) : indexValue);
      }
      case 'Slice':
        return compileSlice(
          this.compile(ast.target, scope),
          ast.from ? this.compile(ast.from, scope) : codeOne(() => null),
          ast.to ? this.compile(ast.to, scope) : codeOne(() => null),
          ast.optional === true,
        );
      case 'Iterate':
        return compileIterate(this.compile(ast.target, scope), ast.optional === true);
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
        return unary(body, negate);
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
        return compileBinop(ast.op, this.compile(ast.left, scope), this.compile(ast.right, scope));
      case 'And':
      case 'Or':
        return compileLogic(ast.t === 'And', this.compile(ast.left, scope), this.compile(ast.right, scope));
      case 'Alt':
        return compileAlt(this.compile(ast.left, scope), this.compile(ast.right, scope));
      case 'Assign':
        return compileAssign(ast.op, this.compile(ast.left, scope), this.compile(ast.right, scope));
      case 'If':
        return compileIf(this.compile(ast.cond, scope), this.compile(ast.then, scope), ast.else ? this.compile(ast.else, scope) : null);
      case 'Try':
        return compileTry(this.compile(ast.body, scope), ast.handler ? this.compile(ast.handler, scope) : null);
      case 'Reduce':
        return compileReduce(this, ast, scope);
      case 'Foreach':
        return compileForeach(this, ast, scope);
      case 'Bind':
        return compileBind(this, ast, scope);
      case 'Label':
        return compileLabel(this.compile(ast.body, push(scope, { kind: 'label', name: ast.name })));
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
}

/** The global `$variables` of the evaluation in progress. */
export const globalsRef = { values: [] as V[] };

export function objectKey(key: V): string {
  if (typeof key === 'string') return key;
  return fail(`Cannot use ${describe(key)} as object key`);
}

