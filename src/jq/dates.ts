import { fail } from './errors.ts';
import { defineSimple, defineValues } from './natives.ts';
import { rt } from './runtime.ts';
import type { V } from './values.ts';

/** Date builtins in UTC only: the workflow sandbox has no time zone, and `now` needs an injected clock. */
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function gmtime(v: V): V {
  if (typeof v !== 'number') return fail('gmtime() requires a number');
  const d = new Date(Math.floor(v) * 1000);
  if (Number.isNaN(d.getTime())) return fail('gmtime() requires a valid time');
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const yday = Math.floor((d.getTime() - yearStart) / 86400000);
  return [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds() + (v - Math.floor(v)), d.getUTCDay(), yday];
}

function brokenDown(v: V, fn: string): number[] {
  if (!Array.isArray(v)) return fail(`${fn} requires parsed datetime inputs`);
  if (v.some((x) => typeof x !== 'number')) return fail(`${fn} requires parsed datetime inputs`);
  const t = v as number[];
  return [t[0] ?? 1900, t[1] ?? 0, t[2] ?? 0, t[3] ?? 0, t[4] ?? 0, t[5] ?? 0, t[6] ?? 0, t[7] ?? 0];
}

function mktime(v: V): V {
  const t = brokenDown(v, 'mktime');
  return Math.floor(Date.UTC(t[0]!, t[1]!, t[2]!, t[3]!, t[4]!, Math.floor(t[5]!)) / 1000);
}

const pad = (n: number, w = 2, c = '0'): string => String(Math.trunc(n)).padStart(w, c);

function strftime(v: V, fmt: V, name = 'strftime/1'): V {
  if (typeof fmt !== 'string') return fail(`${name} requires a string format`);
  const t = typeof v === 'number' ? (gmtime(v) as number[]) : brokenDown(v, name);
  const [Y, m, d, H, M, S] = t as [number, number, number, number, number, number];
  const time = Date.UTC(Y, m, d, H, M, Math.floor(S));
  const date = new Date(time);
  const wday = date.getUTCDay();
  const yday = Math.floor((time - Date.UTC(Y, 0, 1)) / 86400000);
  const spec = (c: string): string => {
    switch (c) {
      case 'Y': return String(Y);
      case 'C': return pad(Y / 100);
      case 'y': return pad(Y % 100);
      case 'm': return pad(m + 1);
      case 'd': return pad(d);
      case 'e': return pad(d, 2, ' ');
      case 'H': return pad(H);
      case 'I': return pad(H % 12 === 0 ? 12 : H % 12);
      case 'M': return pad(M);
      case 'S': return pad(S);
      case 'j': return pad(yday + 1, 3);
      case 'Z': return 'UTC';
      case 'z': return '+0000';
      case 'a': return DAYS[wday]!.slice(0, 3);
      case 'A': return DAYS[wday]!;
      case 'b': case 'h': return MONTHS[m]!.slice(0, 3);
      case 'B': return MONTHS[m]!;
      case 'p': return H < 12 ? 'AM' : 'PM';
      case 'c': return `${spec('a')} ${spec('b')} ${spec('e')} ${spec('T')} ${Y}`;
      case 'D': return `${spec('m')}/${spec('d')}/${spec('y')}`;
      case 'F': return `${Y}-${spec('m')}-${spec('d')}`;
      case 'T': return `${spec('H')}:${spec('M')}:${spec('S')}`;
      case 'R': return `${spec('H')}:${spec('M')}`;
      case 'r': return `${spec('I')}:${spec('M')}:${spec('S')} ${spec('p')}`;
      case 's': return String(Math.floor(time / 1000));
      case 'u': return String(wday === 0 ? 7 : wday);
      case 'w': return String(wday);
      case 'n': return '\n';
      case 't': return '\t';
      case '%': return '%';
      default: return '%' + c;
    }
  };
  return fmt.replace(/%([a-zA-Z%])/g, (_m, c: string) => spec(c));
}

function strptime(v: V, fmt: V): V {
  if (typeof v !== 'string') return fail(`strptime/1 requires string inputs and arguments`);
  if (typeof fmt !== 'string') return fail('strptime/1 requires string inputs and arguments');
  let Y = 1900, m = 0, d = 1, H = 0, M = 0, S = 0;
  let pos = 0;
  const bad = (): never => fail(`date "${v}" does not match format "${fmt}"`);
  const num = (max: number): number => {
    const mm = new RegExp(`^[+-]?\\d{1,${max}}`).exec(v.slice(pos));
    if (!mm) return bad();
    pos += mm[0].length;
    return Number(mm[0]);
  };
  const name = (list: string[]): number => {
    const rest = v.slice(pos).toLowerCase();
    for (let i = 0; i < list.length; i++) {
      const full = list[i]!.toLowerCase();
      if (rest.startsWith(full)) { pos += full.length; return i; }
      if (rest.startsWith(full.slice(0, 3))) { pos += 3; return i; }
    }
    return bad();
  };
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i]!;
    if (c !== '%') {
      if (/\s/.test(c)) { while (/\s/.test(v[pos] ?? '')) pos++; continue; }
      if (v[pos] !== c) bad();
      pos++;
      continue;
    }
    const s = fmt[++i];
    switch (s) {
      case 'Y': Y = num(4); break;
      case 'm': m = num(2) - 1; break;
      case 'd': case 'e': d = num(2); break;
      case 'H': H = num(2); break;
      case 'M': M = num(2); break;
      case 'S': S = num(2); break;
      case 'j': num(3); break;
      case 'y': { const y = num(2); Y = y < 69 ? 2000 + y : 1900 + y; break; }
      case 'a': case 'A': name(DAYS); break;
      case 'b': case 'B': case 'h': m = name(MONTHS); break;
      case 'Z': { const mm = /^[A-Za-z]+/.exec(v.slice(pos)); if (mm) pos += mm[0].length; break; }
      case 'z': { const mm = /^(?:Z|[+-]\d{2}:?\d{2})/.exec(v.slice(pos)); if (!mm) bad(); pos += mm![0].length; break; }
      case 'T': { H = num(2); if (v[pos++] !== ':') bad(); M = num(2); if (v[pos++] !== ':') bad(); S = num(2); break; }
      case 'F': { Y = num(4); if (v[pos++] !== '-') bad(); m = num(2) - 1; if (v[pos++] !== '-') bad(); d = num(2); break; }
      case 's': { const t = gmtime(num(20)) as number[]; [Y, m, d, H, M, S] = t as [number, number, number, number, number, number]; break; }
      case '%': if (v[pos++] !== '%') bad(); break;
      default: return fail(`strptime/1: unsupported format %${s}`);
    }
  }
  if (pos !== v.length) bad();
  const time = Date.UTC(Y, m, d, H, M, S);
  const date = new Date(time);
  return [Y, m, d, H, M, S, date.getUTCDay(), Math.floor((time - Date.UTC(Y, 0, 1)) / 86400000)];
}

export function registerDates(): void {
  defineSimple('gmtime', gmtime);
  defineSimple('localtime', gmtime);
  defineSimple('mktime', mktime);
  defineValues('strftime', 1, (v, f) => strftime(v, f));
  defineValues('strflocaltime', 1, (v, f) => strftime(v, f, 'strflocaltime/1'));
  defineValues('strptime', 1, strptime);
  defineSimple('now', () => {
    if (!rt.now) return fail('now is not available: workflow expressions are deterministic (no clock was provided to the jq engine)');
    return rt.now();
  });
}
