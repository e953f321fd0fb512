import type { Json } from './json.ts';
import { isJsonObject } from './json.ts';
import type { Duration, DurationObject } from './model.ts';
import type { ExpressionEvaluator, Variables } from './expr/evaluator.ts';
import { enclosedProgram } from './expr/runtime-expression.ts';
import { durationObjectToMs, isoDurationToMs } from './duration.ts';
import { isWorkflowError, workflowError } from './errors.ts';

/**
 * Milliseconds of a duration field: a duration object, an ISO 8601 string, or a runtime expression
 * whose result is either of those.
 */
export function resolveDuration(
  duration: Duration,
  evaluator: ExpressionEvaluator,
  input: Json,
  variables: Variables,
  pointer: string,
): number {
  const value: Json = typeof duration === 'string' && enclosedProgram(duration) !== undefined
    ? evaluator.value(duration, input, variables, pointer)
    : (duration as Json);
  try {
    if (typeof value === 'string') return isoDurationToMs(value);
    if (isJsonObject(value)) return durationObjectToMs(value as DurationObject);
  } catch (error) {
    if (isWorkflowError(error)) throw error.withInstance(pointer);
    throw error;
  }
  throw workflowError('validation', `a duration must be an ISO 8601 string or a duration object, got ${JSON.stringify(value)}`, { instance: pointer });
}
