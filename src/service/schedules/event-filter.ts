import type { ExpressionEngine } from '../../core/expr/engine.ts';
import { ExpressionEvaluator } from '../../core/expr/evaluator.ts';
import { enclosedProgram } from '../../core/expr/runtime-expression.ts';
import { isJsonObject, type Json, type JsonObject } from '../../core/json.ts';

/** One entry of `schedule.on.one` / `.any` / `.all`. */
export interface EventFilter {
  with?: JsonObject;
  correlate?: Record<string, { from: string; expect?: Json }>;
}

const POINTER = '/schedule/on';

/**
 * Matches CloudEvents against event filters the way a `listen` task does (src/core/executors/listen.ts
 * keeps its matcher private to the interpreter): every `with` attribute must match; a runtime
 * expression is evaluated on the attribute's value (a boolean is the verdict, anything else must
 * equal it), a plain string matches equal text or as a whole-value regular expression, objects
 * match as subsets. There is no execution yet, so expressions see no `$workflow`-style variables.
 */
export class EventFilterMatcher {
  private readonly evaluator: ExpressionEvaluator;

  constructor(engine: ExpressionEngine) {
    this.evaluator = new ExpressionEvaluator(engine);
  }

  matches(filter: EventFilter, event: JsonObject): boolean {
    for (const [name, wanted] of Object.entries(filter.with ?? {})) {
      const actual = event[name];
      if (actual === undefined) return false;
      if (isExpression(wanted)) {
        const result = this.safely(() => this.evaluator.value(wanted, actual, {}, POINTER));
        if (typeof result === 'boolean' ? !result : !deepEqual(result ?? null, actual)) return false;
      } else if (!valueMatches(wanted, actual)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The event's correlation values (`from`, evaluated on the envelope), or undefined when one is
   * missing or differs from its `expect` (a constant, or an expression evaluated on null).
   */
  correlationValues(filter: EventFilter, event: JsonObject): Map<string, Json> | undefined {
    const values = new Map<string, Json>();
    for (const [key, definition] of Object.entries(filter.correlate ?? {})) {
      const actual = this.safely(() => this.evaluator.value(definition.from, event, {}, POINTER));
      if (actual === undefined || actual === null) return undefined;
      if (definition.expect !== undefined) {
        const expected = this.safely(() => this.evaluator.template(definition.expect!, null, {}, POINTER));
        if (expected === undefined || !deepEqual(actual, expected)) return undefined;
      }
      values.set(key, actual);
    }
    return values;
  }

  /** An expression that fails on an unrelated event's shape means "no match", not a fault. */
  private safely(evaluate: () => Json): Json | undefined {
    try {
      return evaluate();
    } catch {
      return undefined;
    }
  }
}

function valueMatches(wanted: Json, actual: Json): boolean {
  if (typeof wanted === 'string') return wanted === actual || (typeof actual === 'string' && wholeMatch(wanted, actual));
  if (isJsonObject(wanted)) return isJsonObject(actual) && Object.entries(wanted).every(([key, value]) => actual[key] !== undefined && valueMatches(value, actual[key]!));
  return deepEqual(wanted, actual);
}

function wholeMatch(pattern: string, text: string): boolean {
  try {
    return new RegExp(`^(?:${pattern})$`).test(text);
  } catch {
    return false;
  }
}

function isExpression(value: Json): value is string {
  return typeof value === 'string' && enclosedProgram(value) !== undefined;
}

export function deepEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  if (keysA.length !== Object.keys(b).length) return false;
  return keysA.every((key) => deepEqual((a as JsonObject)[key]!, (b as JsonObject)[key]!));
}
