/**
 * The `cairn/jq` entry: Cairn's jq 1.8 engine on its own — synchronous, dependency-free, bounded.
 * `compile` once, `evaluate` many times; every output of a program is one element of the array.
 */
import { ExpressionEvaluationError, ExpressionSyntaxError } from './engine.ts';
import { createNativeJqEngine } from './native-engine.ts';
import type { Json } from '../core/json.ts';

export { ExpressionEvaluationError as JqEvaluationError, ExpressionSyntaxError as JqSyntaxError };
export type { ExpressionLocation as JqLocation } from './engine.ts';
export type { Json } from '../core/json.ts';

/** Bounds on one evaluation; exceeding one throws `JqEvaluationError`, which jq's `try` cannot catch. */
export interface JqLimits {
  /** evaluation steps (function calls, iterations, regex work); default 10,000,000 */
  maxSteps?: number;
  /** approximate JSON size of all outputs; default 64 MiB */
  maxOutputBytes?: number;
  /** nesting depth of calls and of output values; default 2,000 */
  maxDepth?: number;
}

export interface CompileOptions {
  /** Names of the `$variables` the program may use, without `$`. */
  variables?: readonly string[];
  limits?: JqLimits;
  /** Clock for `now` in seconds since the epoch; without it `now` is an error (deterministic evaluation). */
  now?: () => number;
}

export interface JqProgram {
  /** Every output of the program for `input`, with values for the declared variables. */
  evaluate(input: Json, variables?: Readonly<Record<string, Json>>): Json[];
}

/** Compiles a jq program; throws `JqSyntaxError` (with its line and column) when it does not parse. */
export function compile(program: string, options: CompileOptions = {}): JqProgram {
  const engine = createNativeJqEngine({ ...options.limits, ...(options.now ? { now: options.now } : {}) });
  const compiled = engine.compile(program, options.variables ?? []);
  return { evaluate: (input, variables = {}) => compiled.evaluate(input, variables) };
}

export interface EvaluateOptions extends Omit<CompileOptions, 'variables'> {
  /** The `$variables` and their values, names without `$`. */
  variables?: Readonly<Record<string, Json>>;
}

/** Compiles and runs a program once: `evaluate('.a[]', { a: [1, 2] })` is `[1, 2]`. */
export function evaluate(program: string, input: Json, options: EvaluateOptions = {}): Json[] {
  const { variables = {}, ...compileOptions } = options;
  return compile(program, { ...compileOptions, variables: Object.keys(variables) }).evaluate(input, variables);
}
