import { createHash } from 'node:crypto';
import type { EventBus } from '../../bus/event-bus.ts';
import type { ExpressionEngine } from '../../jq/engine.ts';
import type { Json } from '../../core/json.ts';
import type { WorkflowDocument } from '../../core/model.ts';
import type { ExecutionStore, WorkflowRef } from '../../store/execution-store.ts';
import { ServiceError } from '../errors.ts';
import type { LiveHub } from '../live-hub.ts';
import { AfterSchedule } from './after-schedule.ts';
import type { ArmedSchedule, ScheduleDeps, ScheduleView } from './armed-schedule.ts';
import { systemClock, type ScheduleClock } from './clock.ts';
import { EventFilterMatcher } from './event-filter.ts';
import { EventSchedule } from './event-schedule.ts';
import { parseSchedule, type ScheduleKind } from './schedule-spec.ts';
import { intervalFireTimes, TimedSchedule } from './timed-schedule.ts';

export interface SchedulerOptions {
  store: ExecutionStore;
  hub: LiveHub;
  /** Where the service's accepted CloudEvents go: `schedule.on` reads them there. */
  bus: EventBus;
  expressions: ExpressionEngine;
  /** Loads a registered version's text (the service's loader, so documents are validated alike). */
  load: (text: string) => WorkflowDocument;
  /** The service's start path for a registered version, with a fixed execution id and a trigger. */
  start: (workflow: WorkflowRef, input: Json, options: { id: string; trigger: string }) => Promise<unknown>;
  clock?: ScheduleClock;
  log: (message: string, error?: unknown) => void;
}

/**
 * Runs the `schedule` of registered workflows: for each workflow name, the schedule of its latest
 * registered version. Scheduled executions are ordinary executions started through the service
 * (so they run on whichever engine it has), marked with `trigger: schedule.<kind>`.
 */
export class Scheduler {
  private readonly armed = new Map<string, ArmedSchedule>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly matcher: EventFilterMatcher;
  private readonly deps: ScheduleDeps;
  /** Held only while some schedule needs them (an idle bus or hub subscription would still cost, and count as a stream client). */
  private busSubscription: (() => void) | undefined;
  private hubSubscription: (() => void) | undefined;
  private closed = false;

  constructor(private readonly options: SchedulerOptions) {
    this.matcher = new EventFilterMatcher(options.expressions);
    this.deps = { clock: options.clock ?? systemClock, start: (workflow, kind, key, input) => this.start(workflow, kind, key, input) };
  }

  /** Arms the schedules of every registered workflow (service start: keeps them across restarts). */
  async restore(): Promise<number> {
    for (const { namespace, name } of await this.options.store.listWorkflows()) await this.refresh(namespace, name);
    return this.armed.size;
  }

  /** (Re-)arms a workflow's schedule from its latest registered version; a version already armed is left running. */
  async refresh(namespace: string, name: string): Promise<void> {
    try {
      await this.rearm(namespace, name);
    } catch (error) {
      this.options.log(`the schedule of ${namespace}/${name} cannot run`, error);
    } finally {
      this.subscribeAsNeeded();
    }
  }

  private async rearm(namespace: string, name: string): Promise<void> {
    if (this.closed) return;
    const key = `${namespace}/${name}`;
    const latest = await this.options.store.getWorkflow(namespace, name);
    if (this.closed) return;
    const current = this.armed.get(key);
    if (current && current.workflow.version === latest?.version) return;
    current?.stop();
    this.armed.delete(key);
    if (!latest) return;
    const armed = this.arm({ namespace, name, version: latest.version }, this.options.load(latest.document));
    if (!armed) return;
    this.armed.set(key, armed);
    // Listening before `after` looks for its last run, so no end notice falls between the two.
    this.subscribeAsNeeded();
    if (armed instanceof AfterSchedule) await armed.begin();
  }

  private subscribeAsNeeded(): void {
    const schedules = [...this.armed.values()];
    const needsBus = !this.closed && schedules.some((schedule) => schedule.event);
    const needsHub = !this.closed && schedules.some((schedule) => schedule.executionChanged);
    if (needsBus && !this.busSubscription) {
      this.busSubscription = this.options.bus.subscribe((event) => {
        for (const schedule of this.armed.values()) schedule.event?.(event);
      });
    } else if (!needsBus && this.busSubscription) {
      this.busSubscription();
      this.busSubscription = undefined;
    }
    if (needsHub && !this.hubSubscription) {
      this.hubSubscription = this.options.hub.subscribeList((record) => {
        for (const schedule of this.armed.values()) schedule.executionChanged?.(record);
      });
    } else if (!needsHub && this.hubSubscription) {
      this.hubSubscription();
      this.hubSubscription = undefined;
    }
  }

  list(): ScheduleView[] {
    return [...this.armed.values()].map((schedule) => schedule.view());
  }

  /** Stops every timer and subscription, then waits for starts under way. */
  async close(): Promise<void> {
    this.closed = true;
    for (const schedule of this.armed.values()) schedule.stop();
    this.armed.clear();
    this.subscribeAsNeeded();
    await Promise.allSettled([...this.inFlight]);
  }

  private arm(workflow: WorkflowRef, document: WorkflowDocument): ArmedSchedule | undefined {
    const spec = parseSchedule(document.schedule);
    if (!spec) return undefined;
    const schedule = document.schedule!;
    switch (spec.kind) {
      case 'every':
        return new TimedSchedule(workflow, 'every', schedule, intervalFireTimes(spec.intervalMs), this.deps);
      case 'cron':
        return new TimedSchedule(workflow, 'cron', schedule, (after) => spec.cron.nextAfter(after), this.deps);
      case 'after':
        return new AfterSchedule(workflow, schedule, spec.delayMs, this.options.store, this.deps);
      case 'on':
        return new EventSchedule(workflow, schedule, spec.strategy, this.matcher, this.deps);
    }
  }

  private start(workflow: WorkflowRef, kind: ScheduleKind, key: string, input: Json): Promise<string | undefined> {
    const id = occasionId(workflow, key);
    const work = this.closed
      ? Promise.resolve(undefined)
      : this.options.start(workflow, input, { id, trigger: `schedule.${kind}` }).then(
          () => id,
          (error: unknown) => {
            // Another service sharing the store (or this one before a restart) already started it.
            if (error instanceof ServiceError && error.code === 'CAIRN_ERR_CONFLICT') return id;
            this.options.log(`scheduled start of ${workflow.namespace}/${workflow.name}@${workflow.version} (${key}) failed`, error);
            return undefined;
          },
        );
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
    return work;
  }
}

/** A UUID (version 8: derived by Cairn) from the workflow version and the occasion. */
export function occasionId(workflow: WorkflowRef, key: string): string {
  const hex = createHash('sha256').update(`${workflow.namespace}/${workflow.name}@${workflow.version}\u0000${key}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
