import type { Json } from '../core/json.ts';

/**
 * The seam between the interpreter and a jq implementation. Engines are synchronous once
 * created, so the same interpreter code runs in-process and inside Temporal's workflow sandbox.
 */
export interface ExpressionEngine {
  readonly name: string;
  /**
   * Compiles a jq program once. `variables` names the `$variables` the program may use (without `$`).
   * Throws `ExpressionSyntaxError` for a program that does not parse or uses an unknown variable.
   */
  compile(program: string, variables: readonly string[]): CompiledExpression;
}

export interface CompiledExpression {
  /** Every output of the program for one input (jq is a generator: zero, one or many results). */
  evaluate(input: Json, variables: Readonly<Record<string, Json>>): Json[];
}

/** Location of a syntax error inside the program text, 1-based. */
export interface ExpressionLocation {
  offset: number;
  line: number;
  column: number;
}

export class ExpressionSyntaxError extends Error {
  readonly location: ExpressionLocation | undefined;
  constructor(message: string, location?: ExpressionLocation) {
    super(message);
    this.name = 'ExpressionSyntaxError';
    this.location = location;
  }
}

/** A runtime failure of a program: `error(...)`, a type error, or an exceeded evaluation limit. */
export class ExpressionEvaluationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExpressionEvaluationError';
  }
}
