import type { ExpressionEngine } from '../../jq/engine.ts';
import { ExpressionEvaluator } from '../../core/expr/evaluator.ts';
import { attributesMatch, deepEqual, orUndefined } from '../../core/event-filter.ts';
import type { Json, JsonObject } from '../../core/json.ts';

/** One entry of `schedule.on.one` / `.any` / `.all`. */
export interface EventFilter {
  with?: JsonObject;
  correlate?: Record<string, { from: string; expect?: Json }>;
}

const POINTER = '/schedule/on';

/**
 * Matches CloudEvents against `schedule.on` filters with the same rules as a `listen` task
 * (core/event-filter.ts). There is no execution yet, so expressions see no `$workflow`-style variables.
 */
export class EventFilterMatcher {
  private readonly evaluator: ExpressionEvaluator;

  constructor(engine: ExpressionEngine) {
    this.evaluator = new ExpressionEvaluator(engine);
  }

  matches(filter: EventFilter, event: JsonObject): boolean {
    return attributesMatch(filter.with ?? {}, event, (expression, value) => this.evaluator.value(expression, value, {}, POINTER));
  }

  /**
   * The event's correlation values (`from`, evaluated on the envelope), or undefined when one is
   * missing or differs from its `expect` (a constant, or an expression evaluated on null).
   */
  correlationValues(filter: EventFilter, event: JsonObject): Map<string, Json> | undefined {
    const values = new Map<string, Json>();
    for (const [key, definition] of Object.entries(filter.correlate ?? {})) {
      const actual = orUndefined(() => this.evaluator.value(definition.from, event, {}, POINTER));
      if (actual === undefined || actual === null) return undefined;
      if (definition.expect !== undefined) {
        const expected = orUndefined(() => this.evaluator.template(definition.expect!, null, {}, POINTER));
        if (expected === undefined || !deepEqual(actual, expected)) return undefined;
      }
      values.set(key, actual);
    }
    return values;
  }
}
