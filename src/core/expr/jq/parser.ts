import type { Ast, AssignOperator, BinaryOperator, FuncDefinition, ObjectEntry, Pattern } from './ast.ts';
import { JqSyntaxError } from './errors.ts';
import { tokenize, type StrPart, type Token } from './lexer.ts';
import { describe } from './values.ts';

const ASSIGN_OPS = new Set(['=', '|=', '+=', '-=', '*=', '/=', '%=', '//=']);
const COMPARE_OPS = new Set(['==', '!=', '<', '<=', '>', '>=']);

export function parseProgram(src: string): Ast {
  const p = new Parser(tokenize(src), src);
  const ast = p.parsePipe();
  p.expectEnd();
  return ast;
}

/** Parses a list of `def`s (the prelude). */
export function parseDefinitions(src: string): FuncDefinition[] {
  const p = new Parser(tokenize(src), src);
  const defs: FuncDefinition[] = [];
  while (p.isKeyword('def')) defs.push(p.parseFuncDef());
  p.expectEnd();
  return defs;
}

class Parser {
  private i = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly src: string,
  ) {}

  private get tok(): Token {
    return this.tokens[this.i]!;
  }

  private unexpected(t: Token = this.tok): never {
    const what = t.kind === 'eof' ? 'end of file' : t.kind === 'op' ? `'${t.text}'` : t.kind === 'kw' ? t.text : t.kind === 'num' ? 'LITERAL' : t.kind === 'str' ? 'QQSTRING_START' : t.kind.toUpperCase();
    throw new JqSyntaxError(`syntax error, unexpected ${what}`, t.offset);
  }

  isOp(text: string): boolean {
    return this.tok.kind === 'op' && this.tok.text === text;
  }

  isKeyword(text: string): boolean {
    return this.tok.kind === 'kw' && this.tok.text === text;
  }

  private eatOp(text: string): boolean {
    if (!this.isOp(text)) return false;
    this.i++;
    return true;
  }

  private expectOp(text: string): void {
    if (!this.eatOp(text)) this.unexpected();
  }

  private expectKeyword(text: string): void {
    if (!this.isKeyword(text)) this.unexpected();
    this.i++;
  }

  expectEnd(): void {
    if (this.tok.kind !== 'eof') this.unexpected();
  }

  parsePipe(): Ast {
    const pos = this.tok.offset;
    if (this.isKeyword('def')) {
      const def = this.parseFuncDef();
      return { t: 'FuncDef', def, rest: this.parsePipe(), pos };
    }
    if (this.isKeyword('import') || this.isKeyword('include')) {
      throw new JqSyntaxError(`${this.tok.text} is not allowed in workflow expressions (modules live outside the expression)`, pos);
    }
    if (this.isKeyword('label')) {
      this.i++;
      const v = this.tok;
      if (v.kind !== 'var') this.unexpected();
      this.i++;
      this.expectOp('|');
      return { t: 'Label', name: v.text, body: this.parsePipe(), pos };
    }
    const left = this.parseComma();
    if (this.eatOp('|')) return { t: 'Pipe', left, right: this.parsePipe(), pos };
    return left;
  }

  parseFuncDef(): FuncDefinition {
    const pos = this.tok.offset;
    this.expectKeyword('def');
    const nameTok = this.tok;
    if (nameTok.kind !== 'ident' && nameTok.kind !== 'kw') this.unexpected();
    this.i++;
    const params: string[] = [];
    if (this.eatOp('(')) {
      do {
        const t = this.tok;
        if (t.kind === 'var') params.push('$' + t.text);
        else if (t.kind === 'ident' || t.kind === 'kw') params.push(t.text);
        else this.unexpected();
        this.i++;
      } while (this.eatOp(';'));
      this.expectOp(')');
    }
    this.expectOp(':');
    const body = this.parsePipe();
    this.expectOp(';');
    return { name: nameTok.text, params, body, pos };
  }

  private parseComma(): Ast {
    let left = this.parseBinding();
    while (this.isOp(',')) {
      const pos = this.tok.offset;
      this.i++;
      left = { t: 'Comma', left, right: this.parseBinding(), pos };
    }
    return left;
  }

  /** `E as $x | body`: the binding takes everything up to the end of the pipe. */
  private parseBinding(): Ast {
    const source = this.parseAlt();
    if (!this.isKeyword('as')) return source;
    const pos = this.tok.offset;
    this.i++;
    const patterns = [this.parsePattern()];
    while (this.eatOp('?//')) patterns.push(this.parsePattern());
    this.expectOp('|');
    return { t: 'Bind', source, patterns, body: this.parsePipe(), pos };
  }

  private parseAlt(): Ast {
    const left = this.parseAssign();
    if (this.isOp('//')) {
      const pos = this.tok.offset;
      this.i++;
      return { t: 'Alt', left, right: this.parseAlt(), pos };
    }
    return left;
  }

  private parseAssign(): Ast {
    const left = this.parseOr();
    const t = this.tok;
    if (t.kind === 'op' && ASSIGN_OPS.has(t.text)) {
      this.i++;
      const right = this.parseOr();
      const next = this.tok;
      if (next.kind === 'op' && ASSIGN_OPS.has(next.text)) this.unexpected(next);
      return { t: 'Assign', op: t.text as AssignOperator, left, right, pos: t.offset };
    }
    return left;
  }

  private parseOr(): Ast {
    let left = this.parseAnd();
    while (this.isKeyword('or')) {
      const pos = this.tok.offset;
      this.i++;
      left = { t: 'Or', left, right: this.parseAnd(), pos };
    }
    return left;
  }

  private parseAnd(): Ast {
    let left = this.parseCompare();
    while (this.isKeyword('and')) {
      const pos = this.tok.offset;
      this.i++;
      left = { t: 'And', left, right: this.parseCompare(), pos };
    }
    return left;
  }

  private parseCompare(): Ast {
    const left = this.parseAdditive();
    const t = this.tok;
    if (t.kind === 'op' && COMPARE_OPS.has(t.text)) {
      this.i++;
      const right = this.parseAdditive();
      const next = this.tok;
      if (next.kind === 'op' && COMPARE_OPS.has(next.text)) this.unexpected(next);
      return { t: 'Binop', op: t.text as BinaryOperator, left, right, pos: t.offset };
    }
    return left;
  }

  private parseAdditive(): Ast {
    let left = this.parseMultiplicative();
    for (;;) {
      const t = this.tok;
      if (t.kind !== 'op' || (t.text !== '+' && t.text !== '-')) return left;
      this.i++;
      left = { t: 'Binop', op: t.text, left, right: this.parseMultiplicative(), pos: t.offset };
    }
  }

  private parseMultiplicative(): Ast {
    let left = this.parseUnary();
    for (;;) {
      const t = this.tok;
      if (t.kind !== 'op' || (t.text !== '*' && t.text !== '/' && t.text !== '%')) return left;
      this.i++;
      left = { t: 'Binop', op: t.text, left, right: this.parseUnary(), pos: t.offset };
    }
  }

  private parseUnary(): Ast {
    if (this.isOp('-')) {
      const pos = this.tok.offset;
      this.i++;
      return { t: 'Neg', body: this.parseUnary(), pos };
    }
    return this.parsePostfix();
  }

  /** A term with its suffixes (`.a`, `[i]`, `[a:b]`, `[]`, `?`), optionally followed by `as $x | body`. */
  private parsePostfix(): Ast {
    const parenthesized = this.isOp('(');
    let term = this.parsePrimary();
    let accessed = !parenthesized;
    for (;;) {
      const t = this.tok;
      if (t.kind === 'field') {
        this.i++;
        term = { t: 'Index', target: term, index: { t: 'Lit', v: t.text, pos: t.offset }, pos: t.offset };
      } else if (t.kind === 'str' && t.text === '.') {
        this.i++;
        term = { t: 'Index', target: term, index: this.stringAst(t, null), pos: t.offset };
      } else if (t.kind === 'op' && t.text === '.' && this.tokens[this.i + 1]?.kind === 'op' && this.tokens[this.i + 1]!.text === '[') {
        this.i++;
      } else if (t.kind === 'op' && t.text === '[') {
        this.i++;
        term = this.parseBracketSuffix(term, t.offset);
      } else if (t.kind === 'op' && t.text === '?') {
        this.i++;
        if (accessed && (term.t === 'Index' || term.t === 'Slice' || term.t === 'Iterate') && !term.optional) term = { ...term, optional: true };
        else term = { t: 'Try', body: term, handler: null, pos: t.offset };
        continue;
      } else break;
      accessed = true;
    }
    return term;
  }

  private parseBracketSuffix(target: Ast, pos: number): Ast {
    if (this.eatOp(']')) return { t: 'Iterate', target, pos };
    if (this.eatOp(':')) {
      const to = this.parsePipe();
      this.expectOp(']');
      return { t: 'Slice', target, from: null, to, pos };
    }
    const index = this.parsePipe();
    if (this.eatOp(':')) {
      const to = this.isOp(']') ? null : this.parsePipe();
      this.expectOp(']');
      return { t: 'Slice', target, from: index, to, pos };
    }
    this.expectOp(']');
    return { t: 'Index', target, index, pos };
  }

  private parsePrimary(): Ast {
    const t = this.tok;
    const pos = t.offset;
    switch (t.kind) {
      case 'num':
        this.i++;
        return { t: 'Lit', v: t.num!, pos };
      case 'str':
        if (t.text === '.') {
          this.i++;
          return { t: 'Index', target: { t: 'Identity', pos }, index: this.stringAst(t, null), pos };
        }
        this.i++;
        return this.stringAst(t, null);
      case 'format': {
        this.i++;
        const s = this.tok;
        if (s.kind === 'str' && s.text !== '.') {
          this.i++;
          return this.stringAst(s, t.text);
        }
        return { t: 'Format', name: t.text, pos };
      }
      case 'field':
        this.i++;
        return { t: 'Index', target: { t: 'Identity', pos }, index: { t: 'Lit', v: t.text, pos }, pos };
      case 'var':
        this.i++;
        if (t.text === '__loc__') return { t: 'Lit', v: { file: '<top-level>', line: this.lineOf(pos) }, pos };
        return { t: 'Var', name: t.text, pos };
      case 'ident':
        if (t.text === 'true' || t.text === 'false' || t.text === 'null') {
          if (!(this.tokens[this.i + 1]?.kind === 'op' && this.tokens[this.i + 1]!.text === '(')) {
            this.i++;
            return { t: 'Lit', v: t.text === 'null' ? null : t.text === 'true', pos };
          }
        }
        return this.parseCall();
      case 'kw':
        return this.parseKeywordTerm();
      case 'op':
        return this.parseOperatorTerm();
      default:
        return this.unexpected();
    }
  }

  private parseOperatorTerm(): Ast {
    const t = this.tok;
    const pos = t.offset;
    switch (t.text) {
      case '.':
        this.i++;
        if (this.isOp('[')) {
          this.i++;
          return this.parseBracketSuffix({ t: 'Identity', pos }, pos);
        }
        return { t: 'Identity', pos };
      case '..':
        this.i++;
        return { t: 'RecurseAll', pos };
      case '(': {
        this.i++;
        const body = this.parsePipe();
        this.expectOp(')');
        return body;
      }
      case '[': {
        this.i++;
        if (this.eatOp(']')) return { t: 'Array', body: null, pos };
        const body = this.parsePipe();
        this.expectOp(']');
        return { t: 'Array', body, pos };
      }
      case '{':
        this.i++;
        return this.parseObject(pos);
      default:
        return this.unexpected();
    }
  }

  private parseKeywordTerm(): Ast {
    const t = this.tok;
    const pos = t.offset;
    switch (t.text) {
      case 'if':
        this.i++;
        return this.parseIfRest(pos);
      case 'try': {
        this.i++;
        const body = this.parsePostfixNoBind();
        let handler: Ast | null = null;
        if (this.isKeyword('catch')) {
          this.i++;
          handler = this.parsePostfixNoBind();
        }
        return { t: 'Try', body, handler, pos };
      }
      case 'reduce': {
        this.i++;
        const source = this.parseOr();
        this.expectKeyword('as');
        const pattern = this.parsePattern();
        this.expectOp('(');
        const init = this.parsePipe();
        this.expectOp(';');
        const update = this.parsePipe();
        this.expectOp(')');
        return { t: 'Reduce', source, pattern, init, update, pos };
      }
      case 'foreach': {
        this.i++;
        const source = this.parseOr();
        this.expectKeyword('as');
        const pattern = this.parsePattern();
        this.expectOp('(');
        const init = this.parsePipe();
        this.expectOp(';');
        const update = this.parsePipe();
        let extract: Ast | null = null;
        if (this.eatOp(';')) extract = this.parsePipe();
        this.expectOp(')');
        return { t: 'Foreach', source, pattern, init, update, extract, pos };
      }
      case 'def':
      case 'label':
        return this.parsePipe();
      default:
        return this.unexpected();
    }
  }

  /** `try` bodies bind tighter than any binary operator; a leading `-` is allowed. */
  private parsePostfixNoBind(): Ast {
    if (this.isOp('-')) {
      const pos = this.tok.offset;
      this.i++;
      return { t: 'Neg', body: this.parsePostfixNoBind(), pos };
    }
    return this.parsePostfix();
  }

  private parseIfRest(pos: number): Ast {
    const cond = this.parsePipe();
    this.expectKeyword('then');
    const then = this.parsePipe();
    let otherwise: Ast | null = null;
    if (this.isKeyword('elif')) {
      const p = this.tok.offset;
      this.i++;
      otherwise = this.parseIfRest(p);
      return { t: 'If', cond, then, else: otherwise, pos };
    }
    if (this.isKeyword('else')) {
      this.i++;
      otherwise = this.parsePipe();
    }
    this.expectKeyword('end');
    return { t: 'If', cond, then, else: otherwise, pos };
  }

  private parseCall(): Ast {
    const t = this.tok;
    this.i++;
    if (t.text === 'break') {
      const v = this.tok;
      if (v.kind !== 'var') this.unexpected();
      this.i++;
      return { t: 'Break', name: v.text, pos: t.offset };
    }
    const args: Ast[] = [];
    if (this.eatOp('(')) {
      do args.push(this.parsePipe());
      while (this.eatOp(';'));
      this.expectOp(')');
    }
    return { t: 'Call', name: t.text, args, pos: t.offset };
  }

  private parseObject(pos: number): Ast {
    const entries: ObjectEntry[] = [];
    if (!this.eatOp('}')) {
      do entries.push(this.parseObjectEntry());
      while (this.eatOp(','));
      this.expectOp('}');
    }
    return { t: 'Object', entries, pos };
  }

  private parseObjectEntry(): ObjectEntry {
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
  private parseObjectValue(): Ast {
    const left = this.parseAlt();
    if (this.isOp('|')) {
      const pos = this.tok.offset;
      this.i++;
      return { t: 'Pipe', left, right: this.parseObjectValue(), pos };
    }
    return left;
  }

  private parsePattern(): Pattern {
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

  private stringAst(t: Token, format: string | null): Ast {
    const parts: (string | Ast)[] = (t.parts as StrPart[]).map((p) => {
      if (typeof p === 'string') return p;
      const sub = new Parser(p, this.src);
      const ast = sub.parsePipe();
      sub.expectEnd();
      return ast;
    });
    if (format === null && parts.length === 1 && typeof parts[0] === 'string') return { t: 'Lit', v: parts[0], pos: t.offset };
    return { t: 'Str', parts, format, pos: t.offset };
  }

  private lineOf(offset: number): number {
    let line = 1;
    for (let i = 0; i < offset && i < this.src.length; i++) if (this.src[i] === '\n') line++;
    return line;
  }
}
