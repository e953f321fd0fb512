import type { Ast, Pattern } from './ast.ts';
import type { Compiler } from './compiler.ts';
import { indexValue } from './indexing.ts';
import { guarded, guardedPath, type Code, type Env, type K, type PK, type Path } from './runtime.ts';
import { push, type Scope } from './scope.ts';
import type { V } from './values.ts';

/** Fills `vals` (one slot per pattern variable) from a value, once per combination of key outputs. */
type Binder = (value: V, input: V, env: Env | null, vals: V[], k: () => void) => void;

function patternVars(p: Pattern, out: string[]): void {
  if (p.t === 'PVar') {
    if (!out.includes(p.name)) out.push(p.name);
  } else if (p.t === 'PArray') for (const e of p.elements) patternVars(e, out);
  else
    for (const e of p.entries) {
      if (e.bindVar !== null && !out.includes(e.bindVar)) out.push(e.bindVar);
      if (e.value) patternVars(e.value, out);
    }
}

function compilePattern(c: Compiler, p: Pattern, vars: string[], scope: Scope | null): Binder {
  if (p.t === 'PVar') {
    const slot = vars.indexOf(p.name);
    return (value, _input, _env, vals, k) => {
      vals[slot] = value;
      k();
    };
  }
  if (p.t === 'PArray') {
    const elements = p.elements.map((e) => compilePattern(c, e, vars, scope));
    // jq destructures array patterns from the last element to the first
    return (value, input, env, vals, k) => {
      const step = (i: number): void => {
        if (i < 0) k();
        else elements[i]!(indexValue(value, i), input, env, vals, () => step(i - 1));
      };
      step(elements.length - 1);
    };
  }
  const entries = p.entries.map((e) => ({
    key: c.compile(e.key, scope),
    slot: e.bindVar === null ? -1 : vars.indexOf(e.bindVar),
    value: e.value ? compilePattern(c, e.value, vars, scope) : null,
  }));
  return (value, input, env, vals, k) => {
    const step = (i: number): void => {
      if (i === entries.length) {
        k();
        return;
      }
      const e = entries[i]!;
      e.key.ev(input, env, (key) => {
        const sub = indexValue(value, key);
        if (e.slot >= 0) vals[e.slot] = sub;
        if (e.value) e.value(sub, input, env, vals, () => step(i + 1));
        else step(i + 1);
      });
    };
    step(0);
  };
}

interface CompiledPatterns {
  binders: Binder[];
  count: number;
  scope: Scope | null;
}

function compilePatterns(c: Compiler, patterns: Pattern[], scope: Scope | null): CompiledPatterns {
  const vars: string[] = [];
  for (const p of patterns) patternVars(p, vars);
  const binders = patterns.map((p) => compilePattern(c, p, vars, scope));
  let inner = scope;
  for (const v of vars) inner = push(inner, { kind: 'var', name: v });
  return { binders, count: vars.length, scope: inner };
}

function extend(env: Env | null, vals: V[]): Env | null {
  let e = env;
  for (const v of vals) e = { up: e, v };
  return e;
}

/** Binds the patterns to `value`, calling `k` with each resulting environment. */
function bindAll(p: CompiledPatterns, binder: Binder, value: V, input: V, env: Env | null, k: (e: Env | null) => void): void {
  const vals: V[] = new Array<V>(p.count).fill(null);
  binder(value, input, env, vals, () => k(extend(env, vals)));
}

export function compileBind(c: Compiler, ast: Extract<Ast, { t: 'Bind' }>, scope: Scope | null): Code {
  const source = c.compile(ast.source, scope);
  const p = compilePatterns(c, ast.patterns, scope);
  const body = c.compile(ast.body, p.scope);
  const last = p.binders.length - 1;
  const attemptEv = (value: V, input: V, env: Env | null, k: K, i: number): void => {
    const binder = p.binders[i]!;
    if (i === last) bindAll(p, binder, value, input, env, (e) => body.ev(input, e, k));
    else guarded((kk) => bindAll(p, binder, value, input, env, (e) => body.ev(input, e, kk)), k, () => attemptEv(value, input, env, k, i + 1));
  };
  const attemptPv = (value: V, input: V, path: Path, env: Env | null, k: PK, i: number): void => {
    const binder = p.binders[i]!;
    if (i === last) bindAll(p, binder, value, input, env, (e) => body.pv(input, path, e, k));
    else guardedPath((kk) => bindAll(p, binder, value, input, env, (e) => body.pv(input, path, e, kk)), k, () => attemptPv(value, input, path, env, k, i + 1));
  };
  const so = source.one;
  return {
    ev: (input, env, k) => {
      if (so) attemptEv(so(input, env), input, env, k, 0);
      else source.ev(input, env, (v) => attemptEv(v, input, env, k, 0));
    },
    pv: (input, path, env, k) => source.ev(input, env, (v) => attemptPv(v, input, path, env, k, 0)),
  };
}

export function compileReduce(c: Compiler, ast: Extract<Ast, { t: 'Reduce' }>, scope: Scope | null): Code {
  const source = c.compile(ast.source, scope);
  const init = c.compile(ast.init, scope);
  const p = compilePatterns(c, [ast.pattern], scope);
  const update = c.compile(ast.update, p.scope);
  const binder = p.binders[0]!;
  const uo = update.one;
  return {
    ev: (input, env, k) => {
      // jq 1.8 runs the source against null for every output of `init` after the first
      let src = input;
      init.ev(input, env, (start) => {
        let acc = start;
        const from = src;
        src = null;
        source.ev(from, env, (x) =>
          bindAll(p, binder, x, from, env, (e) => {
            if (uo) {
              acc = uo(acc, e);
              return;
            }
            let last: V = null;
            update.ev(acc, e, (u) => {
              last = u;
            });
            acc = last;
          }),
        );
        k(acc);
      });
    },
    pv: (input, path, env, k) =>
      init.pv(input, path, env, (start, startPath) => {
        let acc = start;
        let accPath: Path = startPath;
        source.ev(input, env, (x) =>
          bindAll(p, binder, x, input, env, (e) => {
            let last: V = null;
            let lastPath: Path = null;
            update.pv(acc, accPath, e, (u, up) => {
              last = u;
              lastPath = up;
            });
            acc = last;
            accPath = lastPath;
          }),
        );
        k(acc, accPath);
      }),
  };
}

export function compileForeach(c: Compiler, ast: Extract<Ast, { t: 'Foreach' }>, scope: Scope | null): Code {
  const source = c.compile(ast.source, scope);
  const init = c.compile(ast.init, scope);
  const p = compilePatterns(c, [ast.pattern], scope);
  const update = c.compile(ast.update, p.scope);
  const extract = ast.extract ? c.compile(ast.extract, p.scope) : null;
  const binder = p.binders[0]!;
  return {
    ev: (input, env, k) =>
      init.ev(input, env, (start) => {
        let state = start;
        source.ev(input, env, (x) =>
          bindAll(p, binder, x, input, env, (e) => {
            const prev = state;
            state = null;
            update.ev(prev, e, (u) => {
              state = u;
              if (extract) extract.ev(u, e, k);
              else k(u);
            });
          }),
        );
      }),
    pv: (input, path, env, k: PK) =>
      init.pv(input, path, env, (start, startPath) => {
        let state = start;
        let statePath: Path = startPath;
        source.ev(input, env, (x) =>
          bindAll(p, binder, x, input, env, (e) => {
            const prev = state;
            const prevPath = statePath;
            state = null;
            statePath = null;
            update.pv(prev, prevPath, e, (u, up) => {
              state = u;
              statePath = up;
              if (extract) extract.pv(u, up, e, k);
              else k(u, up);
            });
          }),
        );
      }),
  };
}
