import { JqSyntaxError } from './errors.ts';

export type TokenKind = 'ident' | 'field' | 'var' | 'num' | 'str' | 'format' | 'op' | 'kw' | 'eof';

/** A string literal: literal text pieces alternate with the token lists of `\(...)` interpolations. */
export type StrPart = string | Token[];

export interface Token {
  kind: TokenKind;
  /** identifier/field/variable name, operator or keyword text, format name */
  text: string;
  num?: number;
  parts?: StrPart[];
  offset: number;
}

const KEYWORDS = new Set([
  'def', 'if', 'then', 'elif', 'else', 'end', 'as', 'reduce', 'foreach', 'try', 'catch',
  'label', 'import', 'include', 'and', 'or', '__loc__',
]);

const OPERATORS = [
  '?//=', '?//', '//=', '|=', '+=', '-=', '*=', '/=', '%=', '==', '!=', '<=', '>=', '//', '..',
  '|', ',', '+', '-', '*', '/', '%', '=', '<', '>', ';', ':', '(', ')', '[', ']', '{', '}', '?', '.',
];

const isIdentStart = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
const isDigit = (c: string) => c >= '0' && c <= '9';
const isIdentChar = (c: string) => isIdentStart(c) || isDigit(c);

export function tokenize(src: string): Token[] {
  const lexer = new Lexer(src);
  const tokens = lexer.run(false);
  return tokens;
}

class Lexer {
  pos = 0;
  constructor(private readonly src: string) {}

  /** Lexes until end of input, or (inside an interpolation) until the `)` closing it. */
  run(nested: boolean): Token[] {
    const out: Token[] = [];
    let depth = 0;
    for (;;) {
      this.skipSpace();
      const start = this.pos;
      if (this.pos >= this.src.length) {
        if (nested) throw new JqSyntaxError('unterminated string interpolation', start);
        out.push({ kind: 'eof', text: '', offset: start });
        return out;
      }
      const c = this.src[this.pos]!;
      if (nested) {
        if (c === '(') depth++;
        else if (c === ')') {
          if (depth === 0) {
            this.pos++;
            out.push({ kind: 'eof', text: '', offset: start });
            return out;
          }
          depth--;
        }
      }
      out.push(this.next(c, start));
    }
  }

  private skipSpace(): void {
    const s = this.src;
    while (this.pos < s.length) {
      const c = s[this.pos]!;
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.pos++;
      else if (c === '#') {
        // a comment runs to the end of the line; an odd run of backslashes continues it
        while (this.pos < s.length && s[this.pos] !== '\n') {
          if (s[this.pos] === '\\') {
            let n = 0;
            while (s[this.pos] === '\\') {
              n++;
              this.pos++;
            }
            if (n % 2 === 1 && (s[this.pos] === '\n' || (s[this.pos] === '\r' && s[this.pos + 1] === '\n'))) {
              this.pos += s[this.pos] === '\r' ? 2 : 1;
            }
            continue;
          }
          this.pos++;
        }
      } else break;
    }
  }

  private next(c: string, start: number): Token {
    const s = this.src;
    if (c === '"') return this.string(start);
    if (isDigit(c) || (c === '.' && isDigit(s[this.pos + 1] ?? ''))) return this.number(start);
    if (c === '.' && isIdentStart(s[this.pos + 1] ?? '')) {
      this.pos++;
      return { kind: 'field', text: this.ident(), offset: start };
    }
    if (c === '.' && s[this.pos + 1] === '"') {
      this.pos++;
      const str = this.string(this.pos);
      return { ...str, kind: 'str', text: '.', offset: start };
    }
    if (c === '$') {
      this.pos++;
      if (!isIdentStart(s[this.pos] ?? '')) throw new JqSyntaxError('syntax error, unexpected INVALID_CHARACTER', start);
      return { kind: 'var', text: this.ident(), offset: start };
    }
    if (c === '@') {
      this.pos++;
      if (!isIdentStart(s[this.pos] ?? '')) throw new JqSyntaxError('syntax error, unexpected INVALID_CHARACTER', start);
      return { kind: 'format', text: this.ident(), offset: start };
    }
    if (isIdentStart(c)) {
      const name = this.ident();
      return { kind: KEYWORDS.has(name) ? 'kw' : 'ident', text: name, offset: start };
    }
    for (const op of OPERATORS) {
      if (s.startsWith(op, this.pos)) {
        this.pos += op.length;
        return { kind: 'op', text: op, offset: start };
      }
    }
    throw new JqSyntaxError('syntax error, unexpected INVALID_CHARACTER', start);
  }

  /** Identifiers may contain `::` module separators (`foo::bar`). */
  private ident(): string {
    const s = this.src;
    const start = this.pos;
    for (;;) {
      while (this.pos < s.length && isIdentChar(s[this.pos]!)) this.pos++;
      if (s[this.pos] === ':' && s[this.pos + 1] === ':' && isIdentStart(s[this.pos + 2] ?? '')) this.pos += 2;
      else break;
    }
    return s.slice(start, this.pos);
  }

  private number(start: number): Token {
    const m = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/.exec(this.src.slice(this.pos));
    const text = m![0];
    this.pos += text.length;
    if (isIdentStart(this.src[this.pos] ?? '')) throw new JqSyntaxError(`syntax error, unexpected IDENT`, this.pos);
    return { kind: 'num', text, num: Number(text), offset: start };
  }

  private string(start: number): Token {
    const s = this.src;
    this.pos++;
    const parts: StrPart[] = [];
    let buf = '';
    for (;;) {
      if (this.pos >= s.length) throw new JqSyntaxError('unterminated string literal', start);
      const c = s[this.pos]!;
      if (c === '"') {
        this.pos++;
        break;
      }
      if (c !== '\\') {
        buf += c;
        this.pos++;
        continue;
      }
      const e = s[this.pos + 1];
      const escAt = this.pos;
      this.pos += 2;
      switch (e) {
        case '"': case '\\': case '/':
          buf += e;
          break;
        case 'b': buf += '\b'; break;
        case 'f': buf += '\f'; break;
        case 'n': buf += '\n'; break;
        case 'r': buf += '\r'; break;
        case 't': buf += '\t'; break;
        case 'u': {
          const hex = s.slice(this.pos, this.pos + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new JqSyntaxError('Invalid \\uXXXX escape', escAt);
          this.pos += 4;
          buf += String.fromCharCode(parseInt(hex, 16));
          break;
        }
        case '(': {
          if (buf) parts.push(buf);
          buf = '';
          parts.push(this.run(true));
          break;
        }
        default:
          throw new JqSyntaxError(`Invalid escape \\${e ?? ''} in string literal`, escAt);
      }
    }
    if (buf || parts.length === 0) parts.push(buf);
    return { kind: 'str', text: '', parts: parts.map(fixSurrogates), offset: start };
  }
}

/** Lone surrogates from `\uXXXX` escapes become U+FFFD, as jq stores strings as UTF-8. */
function fixSurrogates(p: StrPart): StrPart {
  if (typeof p !== 'string') return p;
  return p.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}
