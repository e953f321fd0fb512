import type { Ast } from './ast.ts';
import { JqSyntaxError } from './errors.ts';
import type { Code } from './runtime.ts';

/** A jq function definition; `code` is compiled on first use (prelude functions are mostly unused). */
export interface FnInfo {
  name: string;
  params: string[];
  body: Ast;
  /** no runtime cells were in scope where it was defined: its body needs no captured environment */
  isStatic: boolean;
  /** scope seen by the body: the definition scope plus the function itself and its parameters */
  bodyScope: Scope | null;
  code: Code | null;
  compiling: boolean;
}

export type Entry =
  | { kind: 'var'; name: string }
  | { kind: 'param'; name: string }
  | { kind: 'label'; name: string }
  | { kind: 'fn'; name: string; arity: number; fn: FnInfo };

export interface Scope {
  entry: Entry;
  up: Scope | null;
  /** number of runtime cells in this scope chain */
  cells: number;
}

export function isRuntimeEntry(e: Entry): boolean {
  return e.kind !== 'fn' || !e.fn.isStatic;
}

export function push(scope: Scope | null, entry: Entry): Scope {
  return { entry, up: scope, cells: (scope?.cells ?? 0) + (isRuntimeEntry(entry) ? 1 : 0) };
}

/** Finds a `$variable` or label; `depth` counts the runtime cells to walk up. */
export function lookupCell(scope: Scope | null, kind: 'var' | 'label', name: string): number | null {
  let depth = 0;
  for (let s = scope; s; s = s.up) {
    const e = s.entry;
    if (e.kind === kind && e.name === name) return depth;
    if (isRuntimeEntry(e)) depth++;
  }
  return null;
}

export type FnLookup = { kind: 'param'; depth: number } | { kind: 'fn'; fn: FnInfo; depth: number };

export function lookupFn(scope: Scope | null, name: string, arity: number): FnLookup | null {
  let depth = 0;
  for (let s = scope; s; s = s.up) {
    const e = s.entry;
    if (e.kind === 'param' && arity === 0 && e.name === name) return { kind: 'param', depth };
    if (e.kind === 'fn' && e.name === name && e.arity === arity) return { kind: 'fn', fn: e.fn, depth };
    if (isRuntimeEntry(e)) depth++;
  }
  return null;
}

export function syntaxError(message: string, pos: number): never {
  throw new JqSyntaxError(message, pos);
}
