import { RE2JS } from 're2js';
import type { Json, JsonObject } from './json.ts';
import { isJsonObject } from './json.ts';
import { enclosedProgram } from './expr/runtime-expression.ts';

/** Evaluates a filter's runtime expression on one attribute value (the caller's variables and pointer). */
export type AttributeEvaluator = (expression: string, value: Json) => Json;

/**
 * An event filter's `with`, as `listen` tasks and `schedule.on` read it: every attribute must
 * match. A runtime expression is evaluated on the attribute's value: a boolean result is the
 * verdict, anything else must equal the value. A plain string matches equal text or, failing that,
 * as a whole-value regular expression; objects match as subsets. Plain attributes are checked
 * first so cheap mismatches skip the expressions; an expression that fails on an unrelated event's
 * shape means "no match", not a fault.
 */
export function attributesMatch(expected: JsonObject, event: JsonObject, evaluate: AttributeEvaluator): boolean {
  const entries = Object.entries(expected).sort(([, a], [, b]) => Number(isExpression(a)) - Number(isExpression(b)));
  for (const [name, wanted] of entries) {
    const actual = event[name];
    if (actual === undefined) return false;
    if (isExpression(wanted)) {
      const result = orUndefined(() => evaluate(wanted, actual));
      if (typeof result === 'boolean' ? !result : !deepEqual(result ?? null, actual)) return false;
    } else if (!valueMatches(wanted, actual)) {
      return false;
    }
  }
  return true;
}

function valueMatches(wanted: Json, actual: Json): boolean {
  if (typeof wanted === 'string') return wanted === actual || (typeof actual === 'string' && wholeMatch(wanted, actual));
  if (isJsonObject(wanted)) return isJsonObject(actual) && Object.entries(wanted).every(([key, value]) => actual[key] !== undefined && valueMatches(value, actual[key]!));
  return deepEqual(wanted, actual);
}

/** Linear-time (RE2) whole-string match: an event's text cannot make a filter backtrack catastrophically. */
function wholeMatch(pattern: string, text: string): boolean {
  try {
    return RE2JS.matches(pattern, text);
  } catch {
    return false;
  }
}

function isExpression(value: Json): value is string {
  return typeof value === 'string' && enclosedProgram(value) !== undefined;
}

/** The value, or undefined when evaluating it fails (a filter that does not apply to this event). */
export function orUndefined(evaluate: () => Json): Json | undefined {
  try {
    return evaluate();
  } catch {
    return undefined;
  }
}

/** Structural equality of JSON values. */
export function deepEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  if (keysA.length !== Object.keys(b).length) return false;
  return keysA.every((key) => deepEqual((a as JsonObject)[key]!, (b as JsonObject)[key]!));
}
