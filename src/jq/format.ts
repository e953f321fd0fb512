import { fail } from './errors.ts';
import { tostring } from './tostring.ts';
import { utf8Decode, utf8Encode } from './utf8.ts';
import { describe, dump, formatNumber, type V } from './values.ts';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function base64(s: string): string {
  const b = utf8Encode(s);
  let out = '';
  for (let i = 0; i < b.length; i += 3) {
    const n = (b[i]! << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]! + (i + 1 < b.length ? B64[(n >> 6) & 63]! : '=') + (i + 2 < b.length ? B64[n & 63]! : '=');
  }
  return out;
}

function base64Decode(s: string): string {
  const bytes: number[] = [];
  let acc = 0;
  let bits = 0;
  let valid = 0;
  for (const ch of s) {
    if (ch === '=') break;
    const v = B64.indexOf(ch);
    if (v < 0) continue;
    valid++;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((acc >> bits) & 0xff);
    }
  }
  if (valid % 4 === 1) fail(`${describe(s)} trailing base64 byte found`);
  return utf8Decode(bytes);
}

function uri(s: string): string {
  let out = '';
  for (const b of utf8Encode(s)) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

function uriDecode(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '%') {
      const hex = s.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) fail(`${describe(s)} is not a valid uri encoding`);
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(...utf8Encode(c));
  }
  return utf8Decode(bytes);
}

function html(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

function row(v: V, kind: 'csv' | 'tsv'): string {
  if (!Array.isArray(v)) return fail(`${describe(v)} cannot be ${kind}-formatted, only array`);
  return v
    .map((x) => {
      if (typeof x === 'number') return formatNumber(x);
      if (typeof x === 'boolean') return x ? 'true' : 'false';
      if (x === null) return '';
      if (typeof x === 'string') {
        if (kind === 'csv') return '"' + x.replace(/"/g, '""') + '"';
        return x.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!);
      }
      return fail(`${describe(x)} is not valid in a csv row`);
    })
    .join(kind === 'csv' ? ',' : '\t');
}

function shellQuote(x: V): string {
  if (typeof x === 'string') return "'" + x.replace(/'/g, "'\\''") + "'";
  if (x !== null && typeof x === 'object') return fail(`${describe(x)} can not be escaped for shell`);
  return dump(x);
}

const FORMATS: Record<string, (v: V) => string> = {
  text: tostring,
  json: dump,
  html: (v) => html(tostring(v)),
  uri: (v) => uri(tostring(v)),
  urid: (v) => uriDecode(tostring(v)),
  csv: (v) => row(v, 'csv'),
  tsv: (v) => row(v, 'tsv'),
  sh: (v) => (Array.isArray(v) ? v.map(shellQuote).join(' ') : shellQuote(v)),
  base64: (v) => base64(tostring(v)),
  base64d: (v) => base64Decode(tostring(v)),
};

export function getFormat(name: string): ((v: V) => string) | undefined {
  return Object.prototype.hasOwnProperty.call(FORMATS, name) ? FORMATS[name] : undefined;
}
