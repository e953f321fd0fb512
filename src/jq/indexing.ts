import { fail } from './errors.ts';
import { compare, describe, dump, isObject, setKey, typeOf, type Obj, type V } from './values.ts';

/** Codepoints of a string (jq indexes strings by codepoint). */
export function codepoints(s: string): string[] {
  return Array.from(s);
}

function sliceBounds(len: number, from: V, to: V): [number, number] {
  if ((from !== null && typeof from !== 'number') || (to !== null && typeof to !== 'number')) {
    fail('Start and end indices of an array slice must be numbers');
  }
  let s = from === null || from !== from ? 0 : from;
  let e = to === null || to !== to ? len : to;
  if (s < 0) s += len;
  if (e < 0) e += len;
  s = Math.floor(s);
  e = Math.ceil(e);
  if (s < 0) s = 0;
  if (s > len) s = len;
  if (e > len) e = len;
  if (e < s) e = s;
  return [s, e];
}

export function sliceValue(t: V, from: V, to: V): V {
  if (t === null) return null;
  if (typeof t === 'string') {
    const cps = t.length === 0 ? [] : codepoints(t);
    const [s, e] = sliceBounds(cps.length, from, to);
    return cps.length === t.length ? t.slice(s, e) : cps.slice(s, e).join('');
  }
  if (Array.isArray(t)) {
    const [s, e] = sliceBounds(t.length, from, to);
    return t.slice(s, e);
  }
  return fail(`Cannot index ${typeOf(t)} with ${describe({ start: from, end: to })}`);
}

/** Positions where array `needle` occurs inside array `hay` (jq's `.[array]`). */
export function arrayIndices(hay: V[], needle: V[]): V {
  if (needle.length === 0) return null;
  const out: number[] = [];
  for (let i = 0; i + needle.length <= hay.length; i++) {
    let ok = true;
    for (let j = 0; j < needle.length; j++) {
      if (compare(hay[i + j]!, needle[j]!) !== 0) {
        ok = false;
        break;
      }
    }
    if (ok) out.push(i);
  }
  return out;
}

/** `t[k]` with jq's rules: null propagates, numbers index arrays, strings index objects. */
export function indexValue(t: V, k: V): V {
  if (typeof k === 'string') {
    if (isObject(t)) {
      const v = t[k];
      return v === undefined || !Object.prototype.hasOwnProperty.call(t, k) ? null : v;
    }
    if (t === null) return null;
  } else if (typeof k === 'number') {
    if (Array.isArray(t)) {
      if (k !== k) return null;
      let i = Math.floor(k);
      if (i < 0) i += t.length;
      const v = t[i];
      return v === undefined ? null : v;
    }
    if (t === null) return null;
  } else if (isObject(k)) {
    if (t === null || Array.isArray(t) || typeof t === 'string') {
      if (!('start' in k) && !('end' in k)) fail(`Cannot index ${typeOf(t)} with object`);
      return sliceValue(t, k['start'] ?? null, k['end'] ?? null);
    }
  } else if (Array.isArray(k) && Array.isArray(t)) {
    return arrayIndices(t, k);
  } else if (k === null && t === null) {
    return null;
  }
  return fail(`Cannot index ${typeOf(t)} with ${describe(k)}`);
}

export function iterateError(t: V): never {
  return fail(`Cannot iterate over ${describe(t)}`);
}

const MAX_PATH_LENGTH = 10000;

export function getpath(t: V, path: V): V {
  if (!Array.isArray(path)) return fail('Path must be specified as an array');
  if (path.length > MAX_PATH_LENGTH) return fail('Path too deep');
  let v = t;
  for (const k of path) {
    if (v === null) return null;
    v = indexValue(v, k);
  }
  return v;
}

function setIndex(t: V, k: V, v: V): V {
  if (typeof k === 'string') {
    if (t === null || isObject(t)) {
      const o: Obj = { ...(t as Obj | null) };
      setKey(o, k, v);
      return o;
    }
    return fail(`Cannot index ${typeOf(t)} with ${describe(k)}`);
  }
  if (typeof k === 'number') {
    if (t === null || Array.isArray(t)) {
      const a = t === null ? [] : t.slice();
      if (k !== k) return fail('Cannot set array element at NaN index');
      let i = Math.floor(k);
      if (i < 0) {
        i += a.length;
        if (i < 0) return fail('Out of bounds negative array index');
      }
      if (i > 536870911) return fail('Array index too large');
      while (a.length < i) a.push(null);
      a[i] = v;
      return a;
    }
    return fail(`Cannot index ${typeOf(t)} with ${describe(k)}`);
  }
  if (isObject(k)) {
    if (typeof t === 'string') return fail('Cannot update string slices');
    if (t === null || Array.isArray(t)) {
      const a = t === null ? [] : t;
      if (!Array.isArray(v)) return fail('A slice of an array can only be assigned another array');
      const [s, e] = sliceBounds(a.length, k['start'] ?? null, k['end'] ?? null);
      return [...a.slice(0, s), ...v, ...a.slice(e)];
    }
    return fail(`Cannot update field at object index of ${typeOf(t)}`);
  }
  if (Array.isArray(k)) return fail(`Cannot update field at array index of ${typeOf(t)}`);
  return fail(`Cannot index ${typeOf(t)} with ${describe(k)}`);
}

export function setpath(t: V, path: V, v: V, from = 0): V {
  if (!Array.isArray(path)) return fail('Path must be specified as an array');
  if (path.length > MAX_PATH_LENGTH) return fail('Path too deep');
  if (from === path.length) return v;
  const k = path[from]!;
  const sub = t === null ? null : indexValue(t, k);
  return setIndex(t, k, setpath(sub, path, v, from + 1));
}

/** Deletes several keys of one container at once, all relative to the original (jq's `jv_dels`). */
function deleteKeys(t: V, keys: V[]): V {
  if (t === null || keys.length === 0) return t;
  if (Array.isArray(t)) {
    const doomed = new Set<number>();
    const len = t.length;
    for (const k of keys) {
      if (typeof k === 'number') doomed.add(k < 0 ? len + Math.trunc(k) : Math.trunc(k));
      else if (isObject(k)) {
        const [s, e] = sliceBounds(len, k['start'] ?? null, k['end'] ?? null);
        for (let i = s; i < e; i++) doomed.add(i);
      } else return fail(`Cannot delete field at object index of array`);
    }
    return t.filter((_, i) => !doomed.has(i));
  }
  if (isObject(t)) {
    const o: Obj = {};
    const doomed = new Set<string>();
    for (const k of keys) {
      if (typeof k !== 'string') return fail(`Cannot delete field at index of object`);
      doomed.add(k);
    }
    for (const key in t) if (!doomed.has(key)) setKey(o, key, t[key]!);
    return o;
  }
  return fail(`Cannot delete fields from ${typeOf(t)}`);
}

/** jq's `delpaths_sorted`: groups sorted paths by their key at `depth`. */
function deleteSorted(t: V, paths: V[][], depth: number): V {
  const whole: V[] = [];
  let v = t;
  for (let i = 0; i < paths.length; ) {
    const key = paths[i]![depth]!;
    const deleteWhole = paths[i]!.length === depth + 1;
    let j = i + 1;
    while (j < paths.length && compare(paths[j]![depth]!, key) === 0) j++;
    if (deleteWhole) whole.push(key);
    else {
      const sub = indexValue(v, key);
      if (sub !== null) v = setIndex(v, key, deleteSorted(sub, paths.slice(i, j), depth + 1));
    }
    i = j;
  }
  return deleteKeys(v, whole);
}

export function delpaths(t: V, paths: V): V {
  if (!Array.isArray(paths)) return fail('Paths must be specified as an array');
  for (const p of paths) {
    if (!Array.isArray(p)) return fail('Path must be specified as an array');
    if (p.length > MAX_PATH_LENGTH) return fail('Path too deep');
  }
  if (paths.length === 0) return t;
  const sorted = (paths as V[][]).slice().sort(compare);
  if (sorted[0]!.length === 0) return null;
  return deleteSorted(t, sorted, 0);
}

export function invalidPathAccess(k: V, t: V): never {
  return fail(`Invalid path expression near attempt to access element ${dump(k)} of ${dump(t)}`);
}

export function invalidPathIterate(t: V): never {
  return fail(`Invalid path expression near attempt to iterate through ${dump(t)}`);
}
