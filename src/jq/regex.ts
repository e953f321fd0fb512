import { RE2JS } from 're2js';
import { fail } from './errors.ts';
import { defineValues } from './natives.ts';
import { charge } from './runtime.ts';
import { describe, type Obj, type V } from './values.ts';

interface CompiledRegex {
  re: RE2JS;
  global: boolean;
  skipEmpty: boolean;
}

const cache = new Map<string, CompiledRegex>();

/**
 * Rewrites the Oniguruma (Perl_NT syntax) constructs jq programs use into RE2 syntax. RE2 matches in
 * linear time, so no pattern can backtrack catastrophically; atomic groups and possessive
 * quantifiers only limit backtracking, which RE2 never does, so they become plain groups.
 */
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
  let reFlags = 0;
  let global = false;
  let skipEmpty = false;
  let extended = false;
  for (const f of flags ?? '') {
    if (f === 'g') global = true;
    else if (f === 'i') reFlags |= RE2JS.CASE_INSENSITIVE;
    else if (f === 'x') extended = true;
    else if (f === 's') reFlags |= RE2JS.DOTALL;
    else if (f === 'n') skipEmpty = true;
    else if (f === 'p') {
      reFlags |= RE2JS.DOTALL;
      skipEmpty = true;
    } else if (f === 'l') continue;
    else return fail(`${flags} is not a valid modifier string`);
  }
  let re: RE2JS;
  try {
    re = RE2JS.compile(translate(pattern, extended), reFlags);
  } catch (e) {
    const unsupported = /unsupported|invalid escape sequence: `\\[1-9kg]/.test((e as Error).message)
      ? ' (matching is linear-time: backreferences, lookahead and lookbehind are not supported)'
      : '';
    return fail(`${pattern} (at offset 0) is not a valid regex: ${(e as Error).message}${unsupported}`);
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

/** Each capture group's name (null when unnamed), by group number - 1. */
function groupNames(re: RE2JS): (string | null)[] {
  const names: (string | null)[] = Array.from({ length: re.groupCount() }, () => null);
  for (const [name, group] of Object.entries(re.namedGroups())) names[group - 1] = name;
  return names;
}

/** jq's `_match_impl`: match objects (or a boolean in test mode) with codepoint offsets. */
export function matchImpl(input: V, pattern: V, flags: V, testMode: V): V {
  if (typeof input !== 'string') return fail(`${describe(input)} cannot be matched, as it is not a string`);
  const { re, global, skipEmpty } = compileRegex(pattern, flags);
  const matcher = re.matcher(input);
  if (testMode === true) {
    charge(input.length);
    return matcher.find();
  }
  const cp = codepointOffsets(input);
  const names = groupNames(re);
  const out: V[] = [];
  let from = 0;
  while (from <= input.length) {
    // bounded work: every character scanned is charged once
    if (!matcher.find(from)) {
      charge(input.length - from);
      break;
    }
    const start = matcher.start();
    const end = matcher.end();
    const text = input.slice(start, end);
    charge(end - from + 1);
    if (!(skipEmpty && text.length === 0)) {
      const captures: V[] = [];
      for (let g = 1; g <= names.length; g++) {
        const s = matcher.group(g);
        const cap: Obj = s !== null
          ? { offset: cp(matcher.start(g)), length: cpLength(s), string: s, name: names[g - 1] ?? null }
          : { offset: -1, length: 0, string: null, name: names[g - 1] ?? null };
        captures.push(cap);
      }
      out.push({ offset: cp(start), length: cpLength(text), string: text, captures });
    }
    if (!global) break;
    from = text.length === 0 ? start + (input.codePointAt(start)! > 0xffff ? 2 : 1) : end;
  }
  return out;
}

export function registerRegex(): void {
  defineValues('_match_impl', 3, matchImpl);
}
