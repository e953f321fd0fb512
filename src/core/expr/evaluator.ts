import type { Json, JsonObject } from '../json.ts';
import { isJsonObject } from '../json.ts';
import { workflowError } from '../errors.ts';
import type { CompiledExpression, ExpressionEngine } from './engine.ts';
import { declaredProgram, enclosedProgram, referencedSecretNames, referencedVariables } from './runtime-expression.ts';

/** Variables visible to an expression; values are computed only when a program mentions them. */
export type Variables = Readonly<Record<string, Json | (() => Json)>>;

/**
 * Evaluates runtime expressions for the interpreter: compiles each program once, passes only the
 * variables a program mentions, and turns every failure into an `expression` error (400) carrying
 * the task pointer.
 */
export class ExpressionEvaluator {
  private readonly compiled = new Map<string, CompiledExpression>();
  private readonly undeclaredSecret = new Map<string, string | undefined>();

  /** `declaredSecrets`: the document's `use.secrets`; a program naming any other secret is an `authorization` error (403). */
  constructor(private readonly engine: ExpressionEngine, private readonly declaredSecrets: readonly string[] = []) {}

  /** All results of a jq program. */
  run(program: string, input: Json, variables: Variables, pointer: string): Json[] {
    const names = [...referencedVariables(program)].filter((name) => name in variables);
    if (names.includes('secrets')) this.requireDeclaredSecrets(program, pointer);
    const values: Record<string, Json> = {};
    for (const name of names) {
      const value = variables[name]!;
      values[name] = typeof value === 'function' ? value() : value;
    }
    try {
      return this.compile(program, names).evaluate(input, values);
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
      const program = enclosedProgram(value);
      return program === undefined ? value : (this.run(program, input, variables, pointer)[0] ?? null);
    }
    if (Array.isArray(value)) return value.map((item) => this.template(item, input, variables, pointer));
    if (isJsonObject(value)) {
      const out: JsonObject = {};
      for (const [key, item] of Object.entries(value)) out[key] = this.template(item, input, variables, pointer);
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

  private requireDeclaredSecrets(program: string, pointer: string): void {
    if (!this.undeclaredSecret.has(program)) {
      this.undeclaredSecret.set(program, [...referencedSecretNames(program)].find((name) => !this.declaredSecrets.includes(name)));
    }
    const name = this.undeclaredSecret.get(program);
    if (name !== undefined) throw workflowError('authorization', `secret '${name}' is not declared in use.secrets`, { instance: pointer });
  }

  private compile(program: string, names: string[]): CompiledExpression {
    const key = `${names.join(',')}\u0000${program}`;
    let compiled = this.compiled.get(key);
    if (!compiled) {
      compiled = this.engine.compile(program, names);
      this.compiled.set(key, compiled);
    }
    return compiled;
  }
}
