import { fail } from './errors.ts';
import { setKey, type Obj, type V } from './values.ts';

const MAX_PARSING_DEPTH = 10000;

/** `fromjson`: JSON text (plus jq's `nan` literal) to a value, with jq-style error messages. */
export function parseJson(text: string): V {
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const error = (msg: string): never => {
    let line = 1;
    let col = 0;
    for (let i = 0; i < pos && i < text.length; i++) {
      if (text[i] === '\n') {
        line++;
        col = 0;
      } else col++;
    }
    return fail(`${msg} at line ${line}, column ${col} (while parsing '${text}')`);
  };
  const ws = (): void => {
    while (pos < text.length && ' \t\n\r'.includes(text[pos]!)) pos++;
  };
  const value = (depth: number): V => {
    if (depth > MAX_PARSING_DEPTH) error('Exceeds depth limit for parsing');
    ws();
    const c = text[pos];
    if (c === undefined) return error('Unfinished JSON term at EOF');
    if (c === '{') {
      pos++;
      const o: Obj = {};
      ws();
      if (text[pos] === '}') {
        pos++;
        return o;
      }
      for (;;) {
        ws();
        if (text[pos] !== '"') {
          if (text[pos] === "'") {
            const m = /^'[^']*'?/.exec(text.slice(pos));
            pos += m![0].length + 1;
            error(`Invalid string literal; expected ", but got '`);
          }
          pos++;
          error('Object keys must be strings');
        }
        const k = str();
        ws();
        if (text[pos] !== ':') error("Objects must consist of key:value pairs");
        pos++;
        setKey(o, k, value(depth + 1));
        ws();
        if (text[pos] === ',') pos++;
        else if (text[pos] === '}') {
          pos++;
          return o;
        } else error('Expected separator between values');
      }
    }
    if (c === '[') {
      pos++;
      const a: V[] = [];
      ws();
      if (text[pos] === ']') {
        pos++;
        return a;
      }
      for (;;) {
        a.push(value(depth + 1));
        ws();
        if (text[pos] === ',') pos++;
        else if (text[pos] === ']') {
          pos++;
          return a;
        } else error('Expected separator between values');
      }
    }
    if (c === '"') return str();
    if (c === "'") {
      pos++;
      return error(`Invalid string literal; expected ", but got '`);
    }
    const m = /^[^\s\[\]{},:"]+/.exec(text.slice(pos));
    const word = m ? m[0] : c;
    pos += word.length;
    if (word === 'true') return true;
    if (word === 'false') return false;
    if (word === 'null') return null;
    if (word === 'nan' || word === 'NaN' || word === '-nan' || word === '-NaN') return NaN;
    if (word === 'Infinity' || word === 'infinity') return Infinity;
    if (word === '-Infinity' || word === '-infinity') return -Infinity;
    if (/^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/.test(word)) return Number(word);
    return error(pos >= text.length ? 'Invalid numeric literal at EOF' : 'Invalid literal');
  };
  const str = (): string => {
    pos++;
    let s = '';
    for (;;) {
      const c = text[pos];
      if (c === undefined) return error('Unfinished string at EOF');
      if (c === '"') {
        pos++;
        return s;
      }
      if (c === '\\') {
        const e = text[pos + 1];
        pos += 2;
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && simple[e] !== undefined) s += simple[e];
        else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(pos, pos + 4))) {
          s += String.fromCharCode(parseInt(text.slice(pos, pos + 4), 16));
          pos += 4;
        } else error('Invalid escape');
      } else {
        s += c;
        pos++;
      }
    }
  };
  if (/^[ \t\n\r]*$/.test(text.slice(pos))) return fail(`Expected JSON value (while parsing '${text}')`);
  const v = value(0);
  ws();
  if (pos < text.length) error('Unexpected extra JSON values');
  return v;
}
