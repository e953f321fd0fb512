/**
 * Native jq (1.8 semantics) for workflow runtime expressions: synchronous, no Node built-ins (its one
 * dependency, re2js, is pure JavaScript), so it runs in-process and inside Temporal's workflow sandbox alike.
 *
 * Decisions a workflow author can observe:
 * - `input`, `inputs`, `$ENV`, `env`, `input_filename`, `halt_error`, `import`, `include` and
 *   `modulemeta` reach outside the expression: compiling them is a syntax error.
 * - `debug`, `debug(msg)` and `stderr` pass their input through and write to the engine's `log`
 *   (the runner's log), never to the output.
 * - `now` reads a clock: an evaluation error unless the engine is created with `now`.
 * - Dates are UTC only (`localtime`/`strflocaltime` behave as `gmtime`/`strftime`).
 * - Numbers are IEEE doubles: literals are not preserved (`have_literal_numbers` and
 *   `have_decnum` are false), so integers beyond 2^53 lose precision as in jq without decNumber.
 * - Objects are JavaScript objects: integer-like keys (`"1"`) come before other keys in output.
 * - Outputs may share structure with the input; the engine never mutates either.
 * - Limits (steps, output bytes, depth) raise `ExpressionEvaluationError`, which `try` cannot catch.
 *   Regex matching runs on RE2 (re2js: linear time, so no pattern backtracks catastrophically) and
 *   is charged per character scanned; backreferences and lookaround are refused at compile time.
 */
import {
  ExpressionEvaluationError,
  ExpressionSyntaxError,
  type CompiledExpression,
  type ExpressionEngine,
  type ExpressionLocation,
} from './engine.ts';
import type { Json } from '../core/json.ts';
import { registerBuiltins } from './builtins.ts';
import { HaltSignal } from './builtins-control.ts';
import { Compiler, globalsRef } from './compiler.ts';
import { BreakSignal, JqError, JqSyntaxError, LimitExceeded } from './errors.ts';
import { measureOutput } from './output.ts';
import { parseDefinitions, parseProgram } from './parser.ts';
import { PRELUDE, REGEX_PRELUDE } from './prelude.ts';
import { rt } from './runtime.ts';
import type { Scope } from './scope.ts';
import type { V } from './values.ts';

export interface NativeJqOptions {
  /** evaluation steps (function calls, iterations, regex work) allowed per evaluation; default 10,000,000 */
  maxSteps?: number;
  /** approximate JSON size of all outputs of one evaluation; default 64 MiB */
  maxOutputBytes?: number;
  /** nesting depth of calls and of output values; default 2,000 */
  maxDepth?: number;
  /** clock for `now` (seconds since the epoch); without it `now` is an error, keeping evaluation deterministic */
  now?: () => number;
  /** where `debug` and `stderr` write (one line per call); without it they only pass their input through */
  log?: (line: string) => void;
}

let preludeScope: Scope | null | undefined;

function prelude(): Scope | null {
  if (preludeScope !== undefined) return preludeScope;
  const defs = parseDefinitions(PRELUDE + REGEX_PRELUDE);
  registerBuiltins(() => defs.map((d) => `${d.name}/${d.params.length}`));
  const compiler = new Compiler({ globals: [], base: null });
  let scope: Scope | null = null;
  for (const def of defs) scope = compiler.define(def, scope).scope;
  preludeScope = scope;
  return scope;
}

function locate(program: string, offset: number): ExpressionLocation {
  let line = 1;
  let column = 1;
  for (let i = 0; i < offset && i < program.length; i++) {
    if (program[i] === '\n') {
      line++;
      column = 1;
    } else column++;
  }
  return { offset, line, column };
}

function errorMessage(e: JqError): string {
  const v = e.value;
  if (typeof v === 'string') return v;
  return `${JSON.stringify(v)} (not a string)`;
}

/** Compiled programs an engine keeps: every run of a document compiles the same ones. */
const REMEMBERED_PROGRAMS = 1_000;

/** A jq 1.8 implementation in TypeScript: no dependencies, no I/O, safe inside Temporal's workflow sandbox. */
export function createNativeJqEngine(options: NativeJqOptions = {}): ExpressionEngine {
  const maxSteps = options.maxSteps ?? 10_000_000;
  const maxOutputBytes = options.maxOutputBytes ?? 64 * 1024 * 1024;
  const maxDepth = options.maxDepth ?? 2_000;
  const now = options.now;
  const log = options.log;
  /** Compiled programs by variables and text, least recently used first (compiled code holds no state between evaluations). */
  const remembered = new Map<string, CompiledExpression>();
  const compile = (program: string, variables: readonly string[]): CompiledExpression => {
    const key = `${variables.join(',')}\u0000${program}`;
    let compiled = remembered.get(key);
    if (compiled) {
      remembered.delete(key);
    } else {
      compiled = compileProgram(program, variables);
      if (remembered.size >= REMEMBERED_PROGRAMS) remembered.delete(remembered.keys().next().value!);
    }
    remembered.set(key, compiled);
    return compiled;
  };
  const compileProgram = (program: string, variables: readonly string[]): CompiledExpression => {
    const base = prelude();
    let code;
    try {
      code = new Compiler({ globals: variables, base }).compile(parseProgram(program), null);
    } catch (e) {
      if (e instanceof JqSyntaxError) {
        const loc = locate(program, e.offset);
        throw new ExpressionSyntaxError(`${e.message} at line ${loc.line}, column ${loc.column}`, loc);
      }
      throw e;
    }
    const compiled = code;
    return {
      evaluate(input: Json, vars: Readonly<Record<string, Json>>): Json[] {
        // saved for re-entrant use (an evaluation started while another one is running)
        const { steps, maxSteps: savedMaxSteps, depth, maxDepth: savedMaxDepth, now: savedNow, log: savedLog } = rt;
        const savedGlobals = globalsRef.values;
        rt.steps = 0;
        rt.maxSteps = maxSteps;
        rt.depth = 0;
        rt.maxDepth = maxDepth;
        rt.now = now;
        rt.log = log;
        globalsRef.values = variables.length === 0 ? [] : variables.map((n) => (vars[n] ?? null) as V);
        const out: Json[] = [];
        let bytes = 0;
        try {
          compiled.ev(input as V, null, (v) => {
            const m = measureOutput(v, maxDepth);
            bytes += m.bytes;
            if (bytes > maxOutputBytes) throw new LimitExceeded(`jq output exceeded the limit of ${maxOutputBytes} bytes`);
            out.push(m.value as Json);
          });
        } catch (e) {
          if (e instanceof HaltSignal) return out;
          if (e instanceof JqError) throw new ExpressionEvaluationError(errorMessage(e));
          if (e instanceof LimitExceeded) throw new ExpressionEvaluationError(e.message);
          if (e instanceof BreakSignal) throw new ExpressionEvaluationError('break without a matching label');
          if (e instanceof RangeError) {
            const what = /call stack/i.test(e.message) ? 'exceeded the maximum depth' : 'failed';
            throw new ExpressionEvaluationError(`jq evaluation ${what} (${e.message})`);
          }
          throw e;
        } finally {
          rt.steps = steps;
          rt.maxSteps = savedMaxSteps;
          rt.depth = depth;
          rt.maxDepth = savedMaxDepth;
          rt.now = savedNow;
          rt.log = savedLog;
          globalsRef.values = savedGlobals;
        }
        return out;
      },
    };
  };
  return { name: 'jq-native', compile };
}
