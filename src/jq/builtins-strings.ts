import { fail } from './errors.ts';
import { stringIndices } from './builtins-core.ts';
import { defineSimple, defineValues } from './natives.ts';
import { splitString } from './operators.ts';
import { utf8Encode } from './utf8.ts';
import { describe, type V } from './values.ts';

function explode(v: V): V {
  if (typeof v !== 'string') return fail('explode input must be a string');
  const out: number[] = [];
  for (const ch of v) out.push(ch.codePointAt(0)!);
  return out;
}

function implode(v: V): V {
  if (!Array.isArray(v)) return fail('implode input must be an array');
  let s = '';
  for (const c of v) {
    if (typeof c !== 'number' || c !== c) return fail(`${describe(c)} can't be imploded, unicode codepoint needs to be numeric`);
    const cp = Math.trunc(c);
    s += cp < 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ? '\ufffd' : String.fromCodePoint(cp);
  }
  return s;
}

/** Unicode White_Space, which jq's trim functions remove. */
const WS = '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';

function trimmer(name: string, re: RegExp): void {
  defineSimple(name, (v) => (typeof v === 'string' ? v.replace(re, '') : fail('trim input must be a string')));
}

export function registerStrings(): void {
  defineValues('startswith', 1, (v, p) => (typeof v === 'string' && typeof p === 'string' ? v.startsWith(p) : fail('startswith() requires string inputs')));
  defineValues('endswith', 1, (v, p) => (typeof v === 'string' && typeof p === 'string' ? v.endsWith(p) : fail('endswith() requires string inputs')));
  defineSimple('explode', explode);
  defineSimple('implode', implode);
  defineSimple('ascii_downcase', (v) => (typeof v === 'string' ? v.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : fail('explode input must be a string')));
  defineSimple('ascii_upcase', (v) => (typeof v === 'string' ? v.replace(/[a-z]+/g, (m) => m.toUpperCase()) : fail('explode input must be a string')));
  trimmer('trim', new RegExp(`^${WS}+|${WS}+$`, 'g'));
  trimmer('ltrim', new RegExp(`^${WS}+`));
  trimmer('rtrim', new RegExp(`${WS}+$`));
  defineSimple('utf8bytelength', (v) => (typeof v === 'string' ? utf8Encode(v).length : fail(`${describe(v)} only strings have UTF-8 byte length`)));
  defineValues('split', 1, (v, sep) => (typeof v === 'string' && typeof sep === 'string' ? splitString(v, sep) : fail('split input and separator must be strings')));
  defineValues('_strindices', 1, (v, i) => {
    if (typeof v !== 'string') return fail(`${describe(v)} cannot be searched, as it is not a string`);
    if (typeof i !== 'string') return fail(`${describe(i)} is not a string`);
    return stringIndices(v, i);
  });
}
