/**
 * jq value model: plain JSON values (never mutated once built) plus the jq rules for type names,
 * ordering, equality and the textual form used by `tojson`, `tostring` and error messages.
 */
export type V = null | boolean | number | string | V[] | { [key: string]: V };
export type Obj = { [key: string]: V };

export function typeOf(v: V): 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object' {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return 'boolean';
    case 'number':
      return 'number';
    case 'string':
      return 'string';
    default:
      return Array.isArray(v) ? 'array' : 'object';
  }
}

export function isObject(v: V): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isTruthy(v: V): boolean {
  return v !== null && v !== false;
}

/** Sets a key without tripping over `__proto__`, which plain assignment would treat as the prototype. */
export function setKey(o: Obj, k: string, v: V): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

export function hasOwn(o: Obj, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

const TYPE_RANK = { null: 0, boolean: 1, number: 3, string: 4, array: 5, object: 6 } as const;

function rank(v: V): number {
  if (v === false) return 1;
  if (v === true) return 2;
  return TYPE_RANK[typeOf(v)];
}

/** Orders strings by Unicode code point, as jq compares their UTF-8 bytes. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      const xs = x >= 0xd800 && x <= 0xdfff;
      const ys = y >= 0xd800 && y <= 0xdfff;
      if (xs !== ys) return xs ? 1 : -1;
      return x < y ? -1 : 1;
    }
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

export function sortedKeys(o: Obj): string[] {
  return Object.keys(o).sort(compareStrings);
}

/** jq's total order: null < false < true < numbers < strings < arrays < objects. */
export function compare(a: V, b: V): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 3: {
      const x = a as number;
      const y = b as number;
      // jq orders NaN below every number, itself included
      return x < y || x !== x ? -1 : x === y ? 0 : 1;
    }
    case 4:
      return compareStrings(a as string, b as string);
    case 5: {
      const x = a as V[];
      const y = b as V[];
      const n = Math.min(x.length, y.length);
      for (let i = 0; i < n; i++) {
        const c = compare(x[i]!, y[i]!);
        if (c !== 0) return c;
      }
      return x.length < y.length ? -1 : x.length > y.length ? 1 : 0;
    }
    case 6: {
      const x = a as Obj;
      const y = b as Obj;
      const kx = sortedKeys(x);
      const ky = sortedKeys(y);
      const c = compare(kx, ky);
      if (c !== 0) return c;
      for (const k of kx) {
        const d = compare(x[k]!, y[k]!);
        if (d !== 0) return d;
      }
      return 0;
    }
    default:
      return 0;
  }
}

export function equals(a: V, b: V): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return compare(a, b) === 0;
}

/** Formats a number like jq 1.8: shortest round-trip digits, exponent outside [1e-5, 1e17). */
export function formatNumber(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return Object.is(x, -0) ? '-0' : String(x);
  if (x !== x) return 'null';
  if (x === Infinity) return '1.7976931348623157e+308';
  if (x === -Infinity) return '-1.7976931348623157e+308';
  const exp = x.toExponential();
  const ePos = exp.indexOf('e');
  let mantissa = exp.slice(0, ePos);
  const e = Number(exp.slice(ePos + 1));
  let sign = '';
  if (mantissa[0] === '-') {
    sign = '-';
    mantissa = mantissa.slice(1);
  }
  const digits = mantissa.replace('.', '');
  const decpt = e + 1;
  if (decpt <= -4 || decpt > digits.length + 15) {
    const ae = Math.abs(e);
    return `${sign}${digits[0]}${digits.length > 1 ? '.' + digits.slice(1) : ''}e${e < 0 ? '-' : '+'}${ae < 10 ? '0' : ''}${ae}`;
  }
  if (decpt <= 0) return `${sign}0.${'0'.repeat(-decpt)}${digits}`;
  if (decpt >= digits.length) return sign + digits + '0'.repeat(decpt - digits.length);
  return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
}

export function dumpString(s: string): string {
  const j = JSON.stringify(s);
  return j.indexOf('\x7f') < 0 ? j : j.replace(/\x7f/g, '\\u007f');
}

/** Compact JSON text as jq's `tojson` prints it (insertion order of keys kept). */
export function dump(v: V): string {
  switch (typeof v) {
    case 'string':
      return dumpString(v);
    case 'number':
      return formatNumber(v);
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      if (v === null) return 'null';
      if (Array.isArray(v)) {
        let s = '[';
        for (let i = 0; i < v.length; i++) s += (i ? ',' : '') + dump(v[i]!);
        return s + ']';
      } else {
        let s = '{';
        let first = true;
        for (const k in v) {
          s += (first ? '' : ',') + dumpString(k) + ':' + dump(v[k]!);
          first = false;
        }
        return s + '}';
      }
  }
}

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Longest prefix of `s` that fits in `bytes` UTF-8 bytes without splitting a character. */
function utf8Prefix(s: string, bytes: number): string {
  let n = 0;
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    const w = c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdbff ? 4 : 3;
    if (n + w > bytes) break;
    n += w;
    i += w === 4 ? 2 : 1;
  }
  return s.slice(0, i);
}

/** The value as jq shows it inside error messages: dumped, then cut to fit jq's 30-byte buffer. */
export function truncatedDump(v: V): string {
  const d = dump(v);
  if (utf8Length(d) <= 29) return d;
  const closer = typeof v === 'string' ? '"' : Array.isArray(v) ? ']' : v !== null && typeof v === 'object' ? '}' : '';
  return utf8Prefix(d, 26 - closer.length) + '...' + closer;
}

/** `type (value)`, the way jq names a value in error messages. */
export function describe(v: V): string {
  return `${typeOf(v)} (${truncatedDump(v)})`;
}

export { utf8Length };
