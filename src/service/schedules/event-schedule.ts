import type { JsonObject } from '../../core/json.ts';
import type { WorkflowRef } from '../../store/execution-store.ts';
import type { ArmedSchedule, ScheduleDeps, ScheduleView } from './armed-schedule.ts';
import type { EventFilterMatcher } from './event-filter.ts';
import { EventTrigger } from './event-trigger.ts';

/**
 * `on`: starts an execution when CloudEvents accepted by the service complete the consumption
 * strategy. As the DSL prescribes, the input is the array of triggering events (whole CloudEvent
 * envelopes, in arrival order): `$workflow.input[0]` is the first.
 */
export class EventSchedule implements ArmedSchedule {
  private readonly trigger: EventTrigger;
  private stopped = false;

  constructor(
    readonly workflow: WorkflowRef,
    private readonly schedule: JsonObject,
    strategy: JsonObject,
    matcher: EventFilterMatcher,
    private readonly deps: ScheduleDeps,
  ) {
    this.trigger = new EventTrigger(strategy, matcher);
  }

  view(): ScheduleView {
    const view: ScheduleView = { workflow: this.workflow, kind: 'on', schedule: this.schedule };
    const pending = this.trigger.waiting;
    return pending > 0 ? { ...view, pendingEvents: pending } : view;
  }

  stop(): void {
    this.stopped = true;
  }

  event(event: JsonObject): void {
    if (this.stopped) return;
    const events = this.trigger.offer(event);
    if (!events) return;
    // The same events (source + id) never start the workflow twice: a producer's retry is harmless.
    const key = `on:${events.map((item) => `${String(item.source)}\u0000${String(item.id)}`).join('\u0001')}`;
    void this.deps.start(this.workflow, 'on', key, events);
  }
}
