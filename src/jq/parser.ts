import type { Ast, AssignOperator, BinaryOperator, FuncDefinition } from './ast.ts';
import { JqSyntaxError } from './errors.ts';
import { tokenize, type Token } from './lexer.ts';
import { ParserBase } from './parser-base.ts';

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

class Parser extends ParserBase {
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

  protected parseAlt(): Ast {
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

  protected parseSubProgram(tokens: Token[]): Ast {
    const sub = new Parser(tokens, this.src);
    const ast = sub.parsePipe();
    sub.expectEnd();
    return ast;
  }
}
