import { fail } from './errors.ts';
import { defineValues } from './natives.ts';
import { charge } from './runtime.ts';
import { describe, type Obj, type V } from './values.ts';

interface CompiledRegex {
  re: RegExp;
  global: boolean;
  skipEmpty: boolean;
}

const cache = new Map<string, CompiledRegex>();

/** Rewrites the Oniguruma (Perl_NT syntax) constructs jq programs use into JavaScript syntax. */
function translate(src: string, extended: boolean): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      const n = src[i + 1] ?? '';
      i++;
      if (!inClass && n === 'A') out += '^';
      else if (!inClass && n === 'z') out += '$';
      else if (!inClass && n === 'Z') out += '(?=\\n?$)';
      else if (n === 'h') out += inClass ? '0-9a-fA-F' : '[0-9a-fA-F]';
      else if (n === 'H' && !inClass) out += '[^0-9a-fA-F]';
      else out += '\\' + n;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (src[i + 1] === '^') out += src[++i];
      if (src[i + 1] === ']') out += '\\' + src[++i];
      continue;
    }
    if (extended && /\s/.test(c)) continue;
    if (extended && c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (c === '(' && src.startsWith('(?>', i)) {
      out += '(?:';
      i += 2;
      continue;
    }
    if (c === '+' && /[*+?}]/.test(src[i - 1] ?? '') && src[i - 2] !== '\\') continue;
    out += c;
  }
  return out;
}

export function compileRegex(pattern: V, flags: V): CompiledRegex {
  if (typeof pattern !== 'string') return fail(`${describe(pattern)} cannot be matched, as it is not a string`);
  if (flags !== null && typeof flags !== 'string') return fail(`${describe(flags)} is not a string`);
  const key = `${flags ?? ''}\u0000${pattern}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let js = 'd';
  let global = false;
  let skipEmpty = false;
  let extended = false;
  for (const f of flags ?? '') {
    if (f === 'g') global = true;
    else if (f === 'i') js += 'i';
    else if (f === 'x') extended = true;
    else if (f === 's') js += 's';
    else if (f === 'n') skipEmpty = true;
    else if (f === 'p') {
      js += 's';
      skipEmpty = true;
    } else if (f === 'l') continue;
    else return fail(`${flags} is not a valid modifier string`);
  }
  let src = translate(pattern, extended);
  if (src.startsWith('(?i)')) {
    src = src.slice(4);
    js += 'i';
  }
  let re: RegExp;
  try {
    re = new RegExp(src, js + 'gu');
  } catch {
    try {
      re = new RegExp(src, js + 'g');
    } catch (e) {
      return fail(`${pattern} (at offset 0) is not a valid regex: ${(e as Error).message}`);
    }
  }
  const compiled = { re, global, skipEmpty };
  if (cache.size > 500) cache.clear();
  cache.set(key, compiled);
  return compiled;
}

/** UTF-16 index to codepoint index converter for one subject string. */
function codepointOffsets(s: string): (i: number) => number {
  if (!/[\ud800-\udfff]/.test(s)) return (i) => i;
  return (i) => {
    let n = 0;
    for (let j = 0; j < i; j++) {
      const c = s.charCodeAt(j);
      if (c < 0xdc00 || c > 0xdfff) n++;
    }
    return n;
  };
}

function cpLength(s: string): number {
  let n = 0;
  for (let j = 0; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c < 0xdc00 || c > 0xdfff) n++;
  }
  return n;
}

function groupNames(re: RegExp): (string | null)[] {
  const names: (string | null)[] = [];
  const src = re.source;
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') {
      if (src[i + 1] !== '?') names.push(null);
      else if (src[i + 2] === '<' && src[i + 3] !== '=' && src[i + 3] !== '!') {
        const end = src.indexOf('>', i);
        names.push(src.slice(i + 3, end));
      }
    }
  }
  return names;
}

/** jq's `_match_impl`: match objects (or a boolean in test mode) with codepoint offsets. */
export function matchImpl(input: V, pattern: V, flags: V, testMode: V): V {
  if (typeof input !== 'string') return fail(`${describe(input)} cannot be matched, as it is not a string`);
  const { re, global, skipEmpty } = compileRegex(pattern, flags);
  re.lastIndex = 0;
  if (testMode === true) {
    charge(input.length);
    return re.test(input);
  }
  const cp = codepointOffsets(input);
  const names = groupNames(re);
  const out: V[] = [];
  let from = 0;
  while (from <= input.length) {
    re.lastIndex = from;
    const m = re.exec(input);
    // bounded work: every character scanned is charged once
    if (!m) {
      charge(input.length - from);
      break;
    }
    const start = m.index;
    const text = m[0];
    charge(start + text.length - from + 1);
    const indices = (m as RegExpExecArray & { indices: ([number, number] | undefined)[] }).indices;
    if (!(skipEmpty && text.length === 0)) {
      const captures: V[] = [];
      for (let g = 1; g < m.length; g++) {
        const span = indices[g];
        const s = m[g];
        const cap: Obj = span && s !== undefined
          ? { offset: cp(span[0]), length: cpLength(s), string: s, name: names[g - 1] ?? null }
          : { offset: -1, length: 0, string: null, name: names[g - 1] ?? null };
        captures.push(cap);
      }
      out.push({ offset: cp(start), length: cpLength(text), string: text, captures });
    }
    if (!global) break;
    from = text.length === 0 ? start + (input.codePointAt(start)! > 0xffff ? 2 : 1) : start + text.length;
  }
  return out;
}

export function registerRegex(): void {
  defineValues('_match_impl', 3, matchImpl);
}
