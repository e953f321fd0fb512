import { fail } from './errors.ts';
import { delpaths, setpath } from './indexing.ts';
import { defineNative, defineSimple, defineValues } from './natives.ts';
import { add } from './operators.ts';
import { codeOne, tick, type Code, type Env } from './runtime.ts';
import { tostring } from './tostring.ts';
import { compare, describe, dump, equals, hasOwn, isObject, sortedKeys, typeOf, type V } from './values.ts';
import { parseJson } from './json-parse.ts';

function length(v: V): V {
  if (v === null) return 0;
  switch (typeof v) {
    case 'boolean':
      return fail(`${describe(v)} has no length`);
    case 'number':
      return Math.abs(v);
    case 'string': {
      let n = 0;
      for (let i = 0; i < v.length; i++) {
        const c = v.charCodeAt(i);
        if (c < 0xd800 || c > 0xdbff) n++;
      }
      return n;
    }
    default:
      return Array.isArray(v) ? v.length : Object.keys(v).length;
  }
}

function keys(v: V, sorted: boolean): V {
  if (Array.isArray(v)) return v.map((_, i) => i);
  if (isObject(v)) return sorted ? sortedKeys(v) : Object.keys(v);
  return fail(`${describe(v)} has no keys`);
}

function has(v: V, k: V): V {
  if (v === null) return false;
  if (isObject(v) && typeof k === 'string') return hasOwn(v, k);
  if (Array.isArray(v) && typeof k === 'number') return k >= 0 && k < v.length;
  return fail(`Cannot check whether ${typeOf(v)} has a ${typeOf(k)} key`);
}

export function contains(a: V, b: V): boolean {
  const ta = typeOf(a);
  if (ta !== typeOf(b)) return fail(`${describe(a)} and ${describe(b)} cannot have their containment checked`);
  if (ta === 'object') {
    const x = a as Record<string, V>;
    const y = b as Record<string, V>;
    for (const k in y) if (!hasOwn(x, k) || !contains(x[k]!, y[k]!)) return false;
    return true;
  }
  if (ta === 'array') return (b as V[]).every((e) => (a as V[]).some((x) => typeOf(x) === typeOf(e) && contains(x, e)));
  if (ta === 'string') return (a as string).includes(b as string);
  return equals(a, b);
}

function values(v: V): V[] {
  if (Array.isArray(v)) return v;
  if (isObject(v)) return Object.values(v);
  return fail(`Cannot iterate over ${describe(v)}`);
}

function requireArray(v: V, what: string): V[] {
  if (!Array.isArray(v)) return fail(`${describe(v)} cannot be ${what}, as it is not an array`);
  return v;
}

/** Stable sort of `items` by precomputed keys. */
function sortByKeys(items: V[], keys: V[]): V[] {
  const idx = items.map((_, i) => i);
  idx.sort((i, j) => compare(keys[i]!, keys[j]!) || i - j);
  return idx.map((i) => items[i]!);
}

function groupByKeys(items: V[], keys: V[]): V[][] {
  const idx = items.map((_, i) => i);
  idx.sort((i, j) => compare(keys[i]!, keys[j]!) || i - j);
  const groups: V[][] = [];
  let prev: V | undefined;
  for (const i of idx) {
    if (groups.length && compare(prev!, keys[i]!) === 0) groups[groups.length - 1]!.push(items[i]!);
    else groups.push([items[i]!]);
    prev = keys[i]!;
  }
  return groups;
}

/** `f` applied to each element, collected as `[f]` (jq sorts by the array of all outputs). */
function keysOf(items: V[], f: Code, env: Env | null): V[] {
  return items.map((x) => {
    tick();
    if (f.one) return [f.one(x, env)];
    const out: V[] = [];
    f.ev(x, env, (v) => { out.push(v); });
    return out;
  });
}

/** `name(f)` is `_impl(map([f]))` in jq: the keys are computed (over any iterable) before the type check. */
function defineBy(name: string, what: string, fn: (items: V[], keys: V[]) => V): void {
  defineNative(name, 1, ([f]) => codeOne((input, env) => {
    const keys = keysOf(values(input), f!, env);
    if (!Array.isArray(input)) return fail(`${describe(input)} and ${describe(keys)} cannot be ${what}`);
    return fn(input, keys);
  }));
}

function extreme(items: V[], keys: V[], wantMax: boolean): V {
  if (items.length === 0) return null;
  let best = 0;
  for (let i = 1; i < items.length; i++) {
    const c = compare(keys[i]!, keys[best]!);
    if (wantMax ? c >= 0 : c < 0) best = i;
  }
  return items[best]!;
}

function flatten(v: V[], depth: number): V[] {
  const out: V[] = [];
  for (const x of v) {
    if (Array.isArray(x) && depth !== 0) out.push(...flatten(x, depth - 1));
    else out.push(x);
  }
  return out;
}

function tonumber(v: V): V {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const t = v.trim();
    if (t === v && /^[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/.test(v)) return Number(v);
    if (v === 'nan' || v === '-nan') return NaN;
    return fail(`${describe(v)} cannot be parsed as a number`);
  }
  return fail(`${describe(v)} cannot be parsed as a number`);
}

function bsearch(v: V, target: V): V {
  if (!Array.isArray(v)) return fail(`${describe(v)} cannot be searched from`);
  let lo = 0;
  let hi = v.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = compare(v[mid]!, target);
    if (c === 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1 - lo;
}

function join(v: V, sep: V): V {
  let out: string | null = null;
  for (const x of values(v)) {
    const piece = x === null ? '' : typeof x === 'boolean' || typeof x === 'number' ? tostring(x) : x;
    if (out === null) out = '';
    else out = add(out, sep) as string;
    out = add(out, piece) as string;
  }
  return out ?? '';
}

export function registerCore(): void {
  defineSimple('length', length);
  defineSimple('type', typeOf);
  defineSimple('keys', (v) => keys(v, true));
  defineSimple('keys_unsorted', (v) => keys(v, false));
  defineValues('has', 1, has);
  defineValues('contains', 1, (a, b) => contains(a, b));
  defineSimple('add', (v) => {
    let acc: V = null;
    for (const x of values(v)) acc = add(acc, x);
    return acc;
  });
  defineSimple('tostring', tostring);
  defineSimple('tojson', dump);
  defineSimple('fromjson', (v) => (typeof v === 'string' ? parseJson(v) : fail(`${describe(v)} only strings can be parsed`)));
  defineSimple('tonumber', tonumber);
  defineSimple('toboolean', (v) => {
    if (typeof v === 'boolean') return v;
    if (v === 'true') return true;
    if (v === 'false') return false;
    return fail(`${describe(v)} cannot be parsed as a boolean`);
  });
  defineSimple('sort', (v) => requireArray(v, 'sorted').slice().sort(compare));
  const sorted = 'sorted, as they are not both arrays';
  defineBy('sort_by', sorted, sortByKeys);
  defineBy('group_by', sorted, groupByKeys);
  defineSimple('unique', (v) => groupByKeys(requireArray(v, 'sorted'), v as V[]).map((g) => g[0]!));
  defineBy('unique_by', sorted, (items, ks) => groupByKeys(items, ks).map((g) => g[0]!));
  const notIterable = (v: V): never => fail(`${describe(v)} and ${describe(v)} cannot be iterated over`);
  defineSimple('min', (v) => (Array.isArray(v) ? extreme(v, v, false) : notIterable(v)));
  defineSimple('max', (v) => (Array.isArray(v) ? extreme(v, v, true) : notIterable(v)));
  defineBy('min_by', 'iterated over', (items, ks) => extreme(items, ks, false));
  defineBy('max_by', 'iterated over', (items, ks) => extreme(items, ks, true));
  defineSimple('flatten', (v) => flatten(values(v), -1));
  defineValues('flatten', 1, (v, d) => {
    if (typeof d !== 'number' || d < 0) return fail('flatten depth must not be negative');
    return flatten(values(v), d);
  });
  defineValues('join', 1, join);
  defineValues('bsearch', 1, bsearch);
  defineValues('setpath', 2, (v, p, x) => setpath(v, p, x));
  defineValues('delpaths', 1, delpaths);
  defineSimple('infinite', () => Infinity);
  defineSimple('nan', () => NaN);
  defineSimple('isinfinite', (v) => v === Infinity || v === -Infinity);
  defineSimple('isnan', (v) => typeof v === 'number' && v !== v);
  defineSimple('isnormal', (v) => typeof v === 'number' && Number.isFinite(v) && v !== 0 && Math.abs(v) >= 2.2250738585072014e-308);
  defineSimple('to_entries', (v) => {
    if (!isObject(v)) return keys(v, false) && (v as V[]).map((x, i) => ({ key: i, value: x }));
    return Object.keys(v).map((k) => ({ key: k, value: v[k]! }));
  });
}

/** Codepoint offsets of every (possibly overlapping) occurrence of `needle`. */
export function stringIndices(s: string, needle: string): V {
  if (needle === '') return null;
  const out: number[] = [];
  let cp = 0;
  let last = 0;
  for (let at = s.indexOf(needle); at >= 0; at = s.indexOf(needle, at + 1)) {
    for (let j = last; j < at; j++) {
      const c = s.charCodeAt(j);
      if (c < 0xdc00 || c > 0xdfff) cp++;
    }
    last = at;
    out.push(cp);
  }
  return out;
}
