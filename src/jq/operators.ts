import { fail } from './errors.ts';
import { charge } from './runtime.ts';
import { compare, describe, isObject, setKey, type Obj, type V } from './values.ts';

function binopError(a: V, b: V, what: string): never {
  return fail(`${describe(a)} and ${describe(b)} cannot be ${what}`);
}

export function add(a: V, b: V): V {
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  if (a === null) return b;
  if (b === null) return a;
  if (typeof a === 'string' && typeof b === 'string') return a + b;
  if (Array.isArray(a) && Array.isArray(b)) return a.concat(b);
  if (isObject(a) && isObject(b)) {
    const o: Obj = { ...a };
    for (const k in b) setKey(o, k, b[k]!);
    return o;
  }
  return binopError(a, b, 'added');
}

export function subtract(a: V, b: V): V {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (Array.isArray(a) && Array.isArray(b)) return a.filter((x) => !b.some((y) => compare(x, y) === 0));
  return binopError(a, b, 'subtracted');
}

function repeat(s: string, n: number): V {
  if (n !== n || n < 0) return null;
  const times = Math.floor(n);
  if (s.length * times > 1e9) fail('Repeat string result too long');
  // building the string is work: one step per 8 characters
  charge((s.length * times) >> 3);
  return s.repeat(times);
}

export function deepMerge(a: Obj, b: Obj): Obj {
  const o: Obj = { ...a };
  for (const k in b) {
    const x = o[k];
    const y = b[k]!;
    setKey(o, k, Object.prototype.hasOwnProperty.call(a, k) && isObject(x!) && isObject(y) ? deepMerge(x, y) : y);
  }
  return o;
}

export function multiply(a: V, b: V): V {
  if (typeof a === 'number' && typeof b === 'number') return a * b;
  if (typeof a === 'string' && typeof b === 'number') return repeat(a, b);
  if (typeof a === 'number' && typeof b === 'string') return repeat(b, a);
  if (isObject(a) && isObject(b)) return deepMerge(a, b);
  return binopError(a, b, 'multiplied');
}

export function splitString(s: string, sep: string): V[] {
  if (s === '') return [];
  return s.split(sep);
}

export function divide(a: V, b: V): V {
  if (typeof a === 'number' && typeof b === 'number') {
    if (b === 0) return binopError(a, b, 'divided because the divisor is zero');
    return a / b;
  }
  if (typeof a === 'string' && typeof b === 'string') return splitString(a, b);
  return binopError(a, b, 'divided');
}

export function modulo(a: V, b: V): V {
  if (typeof a === 'number' && typeof b === 'number') {
    if (a !== a || b !== b) return NaN;
    const x = toInt64(a);
    const y = toInt64(b);
    if (y === 0n) return binopError(a, b, 'divided (remainder) because the divisor is zero');
    const r = Number(x % (y < 0n ? -y : y));
    return r === 0 ? 0 : r;
  }
  return binopError(a, b, 'divided (remainder)');
}

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

/** C's saturating conversion of a double to intmax_t, as jq's `%` does. */
function toInt64(x: number): bigint {
  if (x >= 9223372036854775807) return INT64_MAX;
  if (x <= -9223372036854775808) return INT64_MIN;
  return BigInt(Math.trunc(x));
}

export function negate(a: V): V {
  if (typeof a === 'number') return -a;
  return fail(`${describe(a)} cannot be negated`);
}
