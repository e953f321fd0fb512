import type { Ast, ObjectEntry, Pattern } from './ast.ts';
import { JqSyntaxError } from './errors.ts';
import type { StrPart, Token } from './lexer.ts';
import { describe } from './values.ts';

/** Token navigation plus the object-construction and destructuring-pattern grammar. */
export abstract class ParserBase {
  protected i = 0;
  constructor(
    protected readonly tokens: Token[],
    protected readonly src: string,
  ) {}

  protected get tok(): Token {
    return this.tokens[this.i]!;
  }

  protected unexpected(t: Token = this.tok): never {
    const what = t.kind === 'eof' ? 'end of file' : t.kind === 'op' ? `'${t.text}'` : t.kind === 'kw' ? t.text : t.kind === 'num' ? 'LITERAL' : t.kind === 'str' ? 'QQSTRING_START' : t.kind.toUpperCase();
    throw new JqSyntaxError(`syntax error, unexpected ${what}`, t.offset);
  }

  isOp(text: string): boolean {
    return this.tok.kind === 'op' && this.tok.text === text;
  }

  isKeyword(text: string): boolean {
    return this.tok.kind === 'kw' && this.tok.text === text;
  }

  protected eatOp(text: string): boolean {
    if (!this.isOp(text)) return false;
    this.i++;
    return true;
  }

  protected expectOp(text: string): void {
    if (!this.eatOp(text)) this.unexpected();
  }

  protected expectKeyword(text: string): void {
    if (!this.isKeyword(text)) this.unexpected();
    this.i++;
  }

  expectEnd(): void {
    if (this.tok.kind !== 'eof') this.unexpected();
  }


  abstract parsePipe(): Ast;
  protected abstract parseAlt(): Ast;
  protected abstract parseSubProgram(tokens: Token[]): Ast;

  protected parseObject(pos: number): Ast {
    const entries: ObjectEntry[] = [];
    if (!this.eatOp('}')) {
      do entries.push(this.parseObjectEntry());
      while (this.eatOp(','));
      this.expectOp('}');
    }
    return { t: 'Object', entries, pos };
  }

  protected parseObjectEntry(): ObjectEntry {
    const t = this.tok;
    const pos = t.offset;
    let key: Ast;
    let shorthand: Ast | null = null;
    if (t.kind === 'var') {
      this.i++;
      if (this.isOp(':') && t.text !== '__loc__') {
        this.i++;
        return { key: { t: 'Var', name: t.text, pos }, value: this.parseObjectValue() };
      }
      key = { t: 'Lit', v: t.text, pos };
      shorthand = t.text === '__loc__' ? { t: 'Lit', v: { file: '<top-level>', line: this.lineOf(pos) }, pos } : { t: 'Var', name: t.text, pos };
    } else if (t.kind === 'ident' || t.kind === 'kw') {
      this.i++;
      key = { t: 'Lit', v: t.text, pos };
    } else if (t.kind === 'num') {
      this.i++;
      throw new JqSyntaxError(`Cannot use number (${t.text}) as object key`, pos);
    } else if (t.kind === 'str' && t.text !== '.') {
      this.i++;
      key = this.stringAst(t, null);
    } else if (t.kind === 'format') {
      this.i++;
      const s = this.tok;
      if (s.kind !== 'str') this.unexpected();
      this.i++;
      key = this.stringAst(s, t.text);
    } else if (this.eatOp('(')) {
      key = this.parsePipe();
      this.expectOp(')');
      if (key.t === 'Lit' && typeof key.v !== 'string') throw new JqSyntaxError(`Cannot use ${describe(key.v)} as object key`, pos);
    } else return this.unexpected();
    if (this.eatOp(':')) return { key, value: this.parseObjectValue() };
    if (shorthand) return { key, value: shorthand };
    if (key.t === 'Lit' || key.t === 'Str') return { key, value: { t: 'Index', target: { t: 'Identity', pos }, index: key, pos } };
    if (this.tok.kind !== 'op' || (this.tok.text !== ',' && this.tok.text !== '}')) this.unexpected();
    throw new JqSyntaxError('May need parentheses around object key expression', pos);
  }

  /** Object values are expressions without a top-level `,` (which separates entries). */
  protected parseObjectValue(): Ast {
    const left = this.parseAlt();
    if (this.isOp('|')) {
      const pos = this.tok.offset;
      this.i++;
      return { t: 'Pipe', left, right: this.parseObjectValue(), pos };
    }
    return left;
  }

  protected parsePattern(): Pattern {
    const t = this.tok;
    const pos = t.offset;
    if (t.kind === 'var') {
      this.i++;
      return { t: 'PVar', name: t.text, pos };
    }
    if (this.eatOp('[')) {
      const elements: Pattern[] = [];
      do elements.push(this.parsePattern());
      while (this.eatOp(','));
      this.expectOp(']');
      return { t: 'PArray', elements, pos };
    }
    if (this.eatOp('{')) {
      const entries: { key: Ast; bindVar: string | null; value: Pattern | null }[] = [];
      do {
        const k = this.tok;
        if (k.kind === 'var') {
          this.i++;
          const value = this.eatOp(':') ? this.parsePattern() : null;
          entries.push({ key: { t: 'Lit', v: k.text, pos: k.offset }, bindVar: k.text, value });
          continue;
        }
        let key: Ast;
        if (k.kind === 'ident' || k.kind === 'kw') {
          this.i++;
          key = { t: 'Lit', v: k.text, pos: k.offset };
        } else if (k.kind === 'str' && k.text !== '.') {
          this.i++;
          key = this.stringAst(k, null);
        } else if (this.eatOp('(')) {
          key = this.parsePipe();
          this.expectOp(')');
          if (key.t === 'Lit' && typeof key.v !== 'string') throw new JqSyntaxError(`Cannot use ${describe(key.v)} as object key`, k.offset);
        } else return this.unexpected();
        this.expectOp(':');
        entries.push({ key, bindVar: null, value: this.parsePattern() });
      } while (this.eatOp(','));
      this.expectOp('}');
      return { t: 'PObject', entries, pos };
    }
    throw new JqSyntaxError(`syntax error, unexpected ${t.kind === 'eof' ? 'end of file' : `'${t.text}'`}, expecting BINDING or '[' or '{'`, pos);
  }


  protected stringAst(t: Token, format: string | null): Ast {
    const parts: (string | Ast)[] = (t.parts as StrPart[]).map((p) => {
      if (typeof p === 'string') return p;
      return this.parseSubProgram(p);
    });
    if (format === null && parts.length === 1 && typeof parts[0] === 'string') return { t: 'Lit', v: parts[0], pos: t.offset };
    return { t: 'Str', parts, format, pos: t.offset };
  }

  protected lineOf(offset: number): number {
    let line = 1;
    for (let i = 0; i < offset && i < this.src.length; i++) if (this.src[i] === '\n') line++;
    return line;
  }
}
