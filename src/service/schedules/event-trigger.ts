import { isJsonObject, type Json, type JsonObject } from '../../core/json.ts';
import { deepEqual } from '../../core/event-filter.ts';
import type { EventFilter, EventFilterMatcher } from './event-filter.ts';

/** Events of `all` still waiting for their partners; the oldest group is dropped past this many. */
export const MAX_OPEN_GROUPS = 1000;

interface OpenGroup {
  slots: Array<JsonObject | undefined>;
  /** The group's events in arrival order: the workflow input once every filter has one. */
  arrived: JsonObject[];
  correlation: Map<string, Json>;
}

/**
 * The state of one `schedule.on` consumption strategy. `offer` returns the events that start an
 * execution when the event completes a trigger: `one` and `any` start one per matching event (an
 * empty `any` matches every event); `all` starts once each filter has matched an event, then
 * collects again. Correlation keys (`correlate.from`) must agree among the events of one `all`
 * start. `until` only concerns `listen` tasks and is ignored here.
 */
export class EventTrigger {
  private readonly mode: 'one' | 'any' | 'all';
  private readonly filters: EventFilter[];
  private readonly groups: OpenGroup[] = [];

  constructor(strategy: JsonObject, private readonly matcher: EventFilterMatcher) {
    if (Array.isArray(strategy.all)) [this.mode, this.filters] = ['all', strategy.all.filter(isJsonObject) as EventFilter[]];
    else if (Array.isArray(strategy.any)) [this.mode, this.filters] = ['any', strategy.any.filter(isJsonObject) as EventFilter[]];
    else [this.mode, this.filters] = ['one', isJsonObject(strategy.one) ? [strategy.one as EventFilter] : []];
  }

  /** Events that are still waiting for the rest of an `all` (for the schedules list). */
  get waiting(): number {
    return this.groups.reduce((count, group) => count + group.arrived.length, 0);
  }

  offer(event: JsonObject): JsonObject[] | undefined {
    if (this.mode === 'any' && this.filters.length === 0) return [event];
    const matching: Array<{ index: number; correlation: Map<string, Json> }> = [];
    this.filters.forEach((filter, index) => {
      if (!this.matcher.matches(filter, event)) return;
      const correlation = this.matcher.correlationValues(filter, event);
      if (correlation) matching.push({ index, correlation });
    });
    if (matching.length === 0) return undefined;
    if (this.mode !== 'all') return [event];
    if (this.filters.length === 1) return [event];
    return this.collect(event, matching);
  }

  private collect(event: JsonObject, matching: Array<{ index: number; correlation: Map<string, Json> }>): JsonObject[] | undefined {
    for (const [position, group] of this.groups.entries()) {
      const fit = matching.find(({ index, correlation }) => group.slots[index] === undefined && agrees(group.correlation, correlation));
      if (!fit) continue;
      group.slots[fit.index] = event;
      group.arrived.push(event);
      for (const [key, value] of fit.correlation) group.correlation.set(key, value);
      if (group.slots.every((slot) => slot !== undefined)) {
        this.groups.splice(position, 1);
        return group.arrived;
      }
      return undefined;
    }
    const [first] = matching;
    const slots: Array<JsonObject | undefined> = this.filters.map(() => undefined);
    slots[first!.index] = event;
    this.groups.push({ slots, arrived: [event], correlation: new Map(first!.correlation) });
    if (this.groups.length > MAX_OPEN_GROUPS) this.groups.shift();
    return undefined;
  }
}

function agrees(group: Map<string, Json>, event: Map<string, Json>): boolean {
  for (const [key, value] of event) {
    const expected = group.get(key);
    if (expected !== undefined && !deepEqual(expected, value)) return false;
  }
  return true;
}
