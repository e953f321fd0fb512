import type { Json, JsonObject } from '../json.ts';
import { isJsonObject } from '../json.ts';
import { workflowError } from '../errors.ts';
import type { CompiledExpression, ExpressionEngine } from '../../jq/engine.ts';
import { declaredProgram, enclosedProgram, referencedSecretNames, referencedVariables } from './runtime-expression.ts';

const MAX_REMEMBERED_STRINGS = 10_000;

interface ProgramEntry {
  mentioned: string[];
  undeclaredSecret: string | undefined;
  compiled: Map<string, CompiledExpression>;
}

/** Variables visible to an expression; values are computed only when a program mentions them. */
export type Variables = Readonly<Record<string, Json | (() => Json)>>;

/**
 * Evaluates runtime expressions for the interpreter: compiles each program once, passes only the
 * variables a program mentions, and turns every failure into an `expression` error (400) carrying
 * the task pointer.
 */
export class ExpressionEvaluator {
  /**
   * Per program: the variables it mentions, the first secret it names that `use.secrets` does not
   * declare, and its compilations by the names actually passed.
   */
  private readonly programs = new Map<string, ProgramEntry>();
  /** The program inside each `${ }` string seen (null for a literal): documents repeat them every task. */
  private readonly enclosed = new Map<string, string | null>();

  /** `declaredSecrets`: the document's `use.secrets`; a program naming any other secret is an `authorization` error (403). */
  constructor(private readonly engine: ExpressionEngine, private readonly declaredSecrets: readonly string[] = []) {}

  /** All results of a jq program. */
  run(program: string, input: Json, variables: Variables, pointer: string): Json[] {
    let entry = this.programs.get(program);
    if (!entry) {
      entry = {
        mentioned: [...referencedVariables(program)],
        undeclaredSecret: [...referencedSecretNames(program)].find((name) => !this.declaredSecrets.includes(name)),
        compiled: new Map(),
      };
      this.programs.set(program, entry);
    }
    if (entry.undeclaredSecret !== undefined && 'secrets' in variables) {
      throw workflowError('authorization', `secret '${entry.undeclaredSecret}' is not declared in use.secrets`, { instance: pointer });
    }
    const names: string[] = [];
    const values: Record<string, Json> = {};
    for (const name of entry.mentioned) {
      if (!(name in variables)) continue;
      const value = variables[name]!;
      names.push(name);
      values[name] = typeof value === 'function' ? value() : value;
    }
    try {
      return this.compile(program, entry.compiled, names).evaluate(input, values);
    } catch (error) {
      throw workflowError('expression', `${(error as Error).message} (in expression: ${program})`, { instance: pointer });
    }
  }

  /** The first result of a declared expression field (`${ }` optional); null when there is none. */
  value(expression: string, input: Json, variables: Variables, pointer: string): Json {
    return this.run(declaredProgram(expression), input, variables, pointer)[0] ?? null;
  }

  /** jq truthiness of a declared expression field: anything but false and null. */
  condition(expression: string, input: Json, variables: Variables, pointer: string): boolean {
    const result = this.value(expression, input, variables, pointer);
    return result !== false && result !== null;
  }

  /**
   * Evaluates every `${ … }` string inside a value (objects and arrays are walked); other values
   * are returned as they are. Used for `set`, `with`, `output.as` objects and the like.
   */
  template(value: Json | undefined, input: Json, variables: Variables, pointer: string): Json {
    if (value === undefined) return null;
    if (typeof value === 'string') {
      const program = this.enclosedProgram(value);
      return program === null ? value : (this.run(program, input, variables, pointer)[0] ?? null);
    }
    if (Array.isArray(value)) return value.map((item) => this.template(item, input, variables, pointer));
    if (isJsonObject(value)) {
      const out: JsonObject = {};
      for (const key of Object.keys(value)) out[key] = this.template(value[key], input, variables, pointer);
      return out;
    }
    return value;
  }

  /** A transformation (`input.from`, `output.as`, `export.as`): a declared expression string or a template object. */
  transform(transformation: string | JsonObject, input: Json, variables: Variables, pointer: string): Json {
    return typeof transformation === 'string'
      ? this.value(transformation, input, variables, pointer)
      : this.template(transformation, input, variables, pointer);
  }

  private compile(program: string, byNames: Map<string, CompiledExpression>, names: string[]): CompiledExpression {
    const key = names.join(',');
    let compiled = byNames.get(key);
    if (!compiled) {
      compiled = this.engine.compile(program, names);
      byNames.set(key, compiled);
    }
    return compiled;
  }

  private enclosedProgram(value: string): string | null {
    let program = this.enclosed.get(value);
    if (program === undefined) {
      // Templates also walk data-bearing values; past a bound, forget rather than grow.
      if (this.enclosed.size >= MAX_REMEMBERED_STRINGS) this.enclosed.clear();
      program = enclosedProgram(value) ?? null;
      this.enclosed.set(value, program);
    }
    return program;
  }
}
