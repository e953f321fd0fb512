import { loadJq, JqError, type Jq, type JqLoadOptions } from 'jq-wasm';
import type { Json } from '../../core/json.ts';
import {
  ExpressionEvaluationError,
  ExpressionSyntaxError,
  type CompiledExpression,
  type ExpressionEngine,
} from '../engine.ts';
import { parseCompileErrors, parseRuntimeError } from './jq-stderr.ts';

/** The program is wrapped so jq only compiles it; the newline keeps a trailing `# comment` from eating the `)`. */
const CHECK_PREFIX = 'empty | (';
const CHECK_SUFFIX = '\n)';
/** jq's parser recurses on the C stack: a few thousand nested brackets trap the WASM instance. */
const MAX_PROGRAM_NESTING = 500;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const JQ_COMPILE_EXIT = 3;
const COMPILE_CACHE_LIMIT = 2_000;

export interface JqWasmEngineOptions {
  /** Passed to `loadJq` (e.g. an `instantiateWasm` hook where WebAssembly must be instantiated synchronously). */
  load?: JqLoadOptions;
}

/**
 * An `ExpressionEngine` on jq 1.8.2 compiled to WebAssembly. A WASM trap (stack or memory
 * exhaustion) leaves an instance unusable, so a spare instance is kept loaded and swapped in.
 */
export async function createJqWasmEngine(options: JqWasmEngineOptions = {}): Promise<ExpressionEngine> {
  const pool = await JqInstancePool.create(options.load);
  const compiled = new Map<string, CompiledExpression | ExpressionSyntaxError>();

  return {
    name: `jq-wasm (${pool.version})`,
    compile(program: string, variables: readonly string[]): CompiledExpression {
      const key = `${variables.join(',')}\u0000${program}`;
      let result = compiled.get(key);
      if (result === undefined) {
        result = compileOnce(pool, program, [...variables]);
        if (compiled.size >= COMPILE_CACHE_LIMIT) compiled.clear();
        compiled.set(key, result);
      }
      if (result instanceof ExpressionSyntaxError) throw result;
      return result;
    },
  };
}

function compileOnce(pool: JqInstancePool, program: string, variables: string[]): CompiledExpression | ExpressionSyntaxError {
  const badName = variables.find((name) => !IDENTIFIER.test(name));
  if (badName !== undefined) return new ExpressionSyntaxError(`"${badName}" is not a valid jq variable name`);
  if (nestingDepth(program) > MAX_PROGRAM_NESTING) {
    return new ExpressionSyntaxError(`expression nests brackets more than ${MAX_PROGRAM_NESTING} levels deep`);
  }
  const flags = ['-n', ...variables.flatMap((name) => ['--argjson', name, 'null'])];
  const result = pool.run((jq) => jq.raw(null, CHECK_PREFIX + program + CHECK_SUFFIX, flags));
  if (result.exitCode !== 0) {
    const [first, ...rest] = parseCompileErrors(result.stderr, program, CHECK_PREFIX.length);
    const message = [first, ...rest].map((d) => d?.message).join('; ');
    return new ExpressionSyntaxError(message, first?.location);
  }
  return {
    evaluate(input: Json, values: Readonly<Record<string, Json>>): Json[] {
      const args = variables.flatMap((name) => ['--argjson', name, JSON.stringify(values[name] ?? null)]);
      // jq-wasm passes a JS string through as raw JSON text, so every input is serialized here.
      const text = JSON.stringify(input ?? null);
      try {
        return pool.run((jq) => jq.json<Json>(text, program, args));
      } catch (error) {
        if (error instanceof JqError) {
          if (error.exitCode === JQ_COMPILE_EXIT) throw new ExpressionSyntaxError(parseCompileErrors(error.stderr, program, 0)[0]?.message ?? error.message);
          throw new ExpressionEvaluationError(parseRuntimeError(error.stderr));
        }
        throw error;
      }
    },
  };
}

/** Highest bracket nesting, counted over the raw text (brackets inside strings only over-count). */
function nestingDepth(program: string): number {
  let depth = 0;
  let max = 0;
  for (const char of program) {
    if (char === '(' || char === '[' || char === '{') max = Math.max(max, ++depth);
    else if (char === ')' || char === ']' || char === '}') depth = Math.max(0, depth - 1);
  }
  return max;
}

class JqInstancePool {
  private current: Jq | undefined;
  private spare: Jq | undefined;
  private reloading = false;

  private constructor(
    private readonly loadOptions: JqLoadOptions | undefined,
    current: Jq,
    spare: Jq,
  ) {
    this.current = current;
    this.spare = spare;
  }

  static async create(loadOptions: JqLoadOptions | undefined): Promise<JqInstancePool> {
    const [current, spare] = await Promise.all([loadJq(loadOptions), loadJq(loadOptions)]);
    return new JqInstancePool(loadOptions, current, spare);
  }

  get version(): string {
    return this.current?.version ?? this.spare?.version ?? 'jq';
  }

  /** Runs one call; a WASM trap retires the instance and surfaces as an evaluation error. */
  run<T>(call: (jq: Jq) => T): T {
    const jq = this.current ?? this.promoteSpare();
    if (jq === undefined) throw new ExpressionEvaluationError('the jq engine is restarting after a crash; try again');
    try {
      return call(jq);
    } catch (error) {
      // WebAssembly.RuntimeError (traps and Emscripten aborts); the lib typings here lack the class.
      if (!(error instanceof Error) || error.name !== 'RuntimeError') throw error;
      this.current = undefined;
      this.promoteSpare();
      throw new ExpressionEvaluationError(`jq ran out of stack or memory (${error.message})`);
    }
  }

  private promoteSpare(): Jq | undefined {
    this.current = this.spare;
    this.spare = undefined;
    this.refill();
    return this.current;
  }

  private refill(): void {
    if (this.reloading) return;
    this.reloading = true;
    loadJq(this.loadOptions).then(
      (jq) => {
        this.reloading = false;
        if (this.current === undefined) this.current = jq;
        else this.spare = jq;
        if (this.spare === undefined) this.refill();
      },
      () => {
        this.reloading = false;
      },
    );
  }
}
