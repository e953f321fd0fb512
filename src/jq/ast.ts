import type { V } from './values.ts';

/** Syntax tree of a jq program; `pos` is the offset of the node in the program text. */
export type Ast =
  | { t: 'Identity'; pos: number }
  | { t: 'RecurseAll'; pos: number }
  | { t: 'Lit'; v: V; pos: number }
  | { t: 'Str'; parts: (string | Ast)[]; format: string | null; pos: number }
  | { t: 'Format'; name: string; pos: number }
  /** `optional`: a `?` right after the suffix suppresses errors of this access only, not of `target` */
  | { t: 'Index'; target: Ast; index: Ast; pos: number; optional?: boolean }
  | { t: 'Slice'; target: Ast; from: Ast | null; to: Ast | null; pos: number; optional?: boolean }
  | { t: 'Iterate'; target: Ast; pos: number; optional?: boolean }
  | { t: 'Array'; body: Ast | null; pos: number }
  | { t: 'Object'; entries: ObjectEntry[]; pos: number }
  | { t: 'Neg'; body: Ast; pos: number }
  | { t: 'Pipe'; left: Ast; right: Ast; pos: number }
  | { t: 'Comma'; left: Ast; right: Ast; pos: number }
  | { t: 'Binop'; op: BinaryOperator; left: Ast; right: Ast; pos: number }
  | { t: 'And'; left: Ast; right: Ast; pos: number }
  | { t: 'Or'; left: Ast; right: Ast; pos: number }
  | { t: 'Alt'; left: Ast; right: Ast; pos: number }
  | { t: 'Assign'; op: AssignOperator; left: Ast; right: Ast; pos: number }
  | { t: 'If'; cond: Ast; then: Ast; else: Ast | null; pos: number }
  | { t: 'Try'; body: Ast; handler: Ast | null; pos: number }
  | { t: 'Reduce'; source: Ast; pattern: Pattern; init: Ast; update: Ast; pos: number }
  | { t: 'Foreach'; source: Ast; pattern: Pattern; init: Ast; update: Ast; extract: Ast | null; pos: number }
  | { t: 'Bind'; source: Ast; patterns: Pattern[]; body: Ast; pos: number }
  | { t: 'Label'; name: string; body: Ast; pos: number }
  | { t: 'Break'; name: string; pos: number }
  | { t: 'Call'; name: string; args: Ast[]; pos: number }
  | { t: 'Var'; name: string; pos: number }
  | { t: 'FuncDef'; def: FuncDefinition; rest: Ast; pos: number };

export type BinaryOperator = '+' | '-' | '*' | '/' | '%' | '==' | '!=' | '<' | '<=' | '>' | '>=';
export type AssignOperator = '=' | '|=' | '+=' | '-=' | '*=' | '/=' | '%=' | '//=';

export interface ObjectEntry {
  key: Ast;
  value: Ast;
}

export interface FuncDefinition {
  name: string;
  /** parameter names; `$name` for value parameters */
  params: string[];
  body: Ast;
  pos: number;
}

export type Pattern =
  | { t: 'PVar'; name: string; pos: number }
  | { t: 'PArray'; elements: Pattern[]; pos: number }
  | { t: 'PObject'; entries: { key: Ast; bindVar: string | null; value: Pattern | null }[]; pos: number };
