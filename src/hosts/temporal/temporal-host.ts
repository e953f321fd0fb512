import { taskTraceparent, type TraceRoot } from '../../core/trace-context.ts';
import { condition, proxyActivities, proxyLocalActivities, sleep, uuid4, type ActivityOptions } from '@temporalio/workflow';
import type { EffectOptions, EffectRequest } from '../../core/effects.ts';
import { CancelledError } from '../../core/errors.ts';
import type { ProgressEvent } from '../../core/events.ts';
import type { CancelScope, Host } from '../../core/host.ts';
import { isJsonObject, type Json, type JsonObject } from '../../core/json.ts';
import type { CairnActivities } from './activities.ts';
import { asTemporalScope, TemporalCancelScope } from './cancel-scope.ts';
import type { SubWorkflows } from './child-workflow.ts';
import type { EventInbox } from './event-inbox.ts';
import { fromActivityFailure, isCancellation } from './failures.ts';
import type { ProgressLog } from './progress-log.ts';
import type { LocalActivityLane } from './local-activity-lane.ts';

/**
 * Effects are at-least-once: a worker killed mid-call is noticed within `heartbeatTimeout` and
 * the activity runs again elsewhere. DSL errors are never retried here (see failures.ts).
 */
export const EFFECT_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 10 },
};

/**
 * Tasks run between two forced yields. Workflow code that does not yield for ~2 s fails its
 * workflow task ("potential deadlock"), and a loop of pure `set` tasks never yields by itself; CPU
 * time cannot be measured deterministically, so the budget is a task count (~1–4 ms per task).
 */
export const TASKS_PER_ACTIVATION = 100;

/** A no-op local activity: its completion starts a new activation for one marker event in history. */
const { yieldActivation } = proxyLocalActivities<CairnActivities>({ startToCloseTimeout: '10 seconds' });

/** Suspension state, flipped by the suspend/resume signals. */
export interface ExecutionControl {
  suspended: boolean;
  /** Counts suspensions, so each one is reported once. */
  suspensions: number;
}

/**
 * The `Host` inside Temporal's workflow sandbox: the workflow clock, `uuid4`, the seeded
 * `Math.random`, durable timers, one activity per effect (its summary is the task's JSON
 * Pointer, so Temporal's UI reads like the workflow), and progress kept in workflow state.
 */
export class TemporalHost implements Host {
  readonly rootScope: TemporalCancelScope = TemporalCancelScope.root();
  private notifiedSuspension = 0;
  private notifiedResume = 0;
  private tasksSinceYield = 0;

  constructor(
    private readonly progress: ProgressLog,
    private readonly control: ExecutionControl,
    private readonly inbox: EventInbox,
    private readonly subWorkflows: SubWorkflows,
    private readonly localActivities: LocalActivityLane,
    private readonly trace?: { root: TraceRoot; executionId: string },
    /** Spends fewer promises per task (`PATCHES.fewerPromisesPerTask`); executions started before keep theirs. */
    private readonly lean = false,
  ) {}

  now(): number {
    return Date.now();
  }

  uuid(): string {
    return uuid4();
  }

  random(): number {
    return Math.random();
  }

  async sleep(ms: number, scope: CancelScope): Promise<void> {
    try {
      await this.inScope(scope, () => sleep(Math.max(1, ms)));
    } catch (error) {
      throw isCancellation(error) ? new CancelledError('sleep cancelled') : error;
    }
  }

  async perform(request: EffectRequest, options: EffectOptions, scope: CancelScope): Promise<Json> {
    // A sub-workflow is a Temporal child workflow, not an activity.
    if (request.kind === 'run.workflow') return this.subWorkflows.run(request, options, asTemporalScope(scope), this.rootScope);
    const activities = proxyActivities<CairnActivities>({ ...EFFECT_ACTIVITY_OPTIONS, summary: options.summary });
    let result: Json;
    try {
      const traceparent = this.trace ? taskTraceparent(this.trace.root, this.trace.executionId, options.task) : undefined;
      result = await this.inScope(scope, () => (traceparent ? activities.performEffect(request, traceparent) : activities.performEffect(request)));
    } catch (error) {
      throw fromActivityFailure(error, options.summary);
    }
    // The worker's bus cannot reach this workflow; its own listeners see what it emits, as in process.
    if (request.kind === 'emit' && isJsonObject(result)) this.inbox.deliver(result);
    return result;
  }

  nextEvent(scope: CancelScope, timeoutMs?: number): Promise<JsonObject | undefined> {
    return this.inbox.next(asTemporalScope(scope), timeoutMs);
  }

  report(event: ProgressEvent): void {
    this.progress.append(event);
  }

  /** Runs a timer or an activity in `scope`: lean, a scope that is current already is not entered again. */
  private inScope<T>(scope: CancelScope, work: () => Promise<T>): Promise<T> {
    const temporalScope = asTemporalScope(scope);
    return this.lean && temporalScope.isCurrent() ? work() : temporalScope.run(work);
  }

  /**
   * Called by the core before each task: holds the execution while it is suspended, and lets a
   * long run yield between activations while progress ships. `notify` reports the suspension
   * through the core's own event sequence, once per suspension however many fork branches are
   * waiting. Lean, it returns a promise only when the task has to wait.
   */
  checkpoint(scope: CancelScope, notify?: (change: 'suspended' | 'resumed') => void): Promise<void> | undefined {
    if (!this.lean) return this.awaitedCheckpoint(scope, notify);
    if (scope.cancelled) throw new CancelledError('cancelled before the task started');
    if (this.progress.backlog >= 1_000) return this.settleThenHold(scope, notify);
    return this.yieldOrHold(scope, notify);
  }

  private async settleThenHold(scope: CancelScope, notify?: (change: 'suspended' | 'resumed') => void): Promise<void> {
    await this.progress.settle();
    await this.yieldOrHold(scope, notify);
  }

  private yieldOrHold(scope: CancelScope, notify?: (change: 'suspended' | 'resumed') => void): Promise<void> | undefined {
    if (++this.tasksSinceYield >= TASKS_PER_ACTIVATION) return this.yieldThenHold(scope, notify);
    return this.control.suspended ? this.holdWhileSuspended(scope, notify) : undefined;
  }

  private async yieldThenHold(scope: CancelScope, notify?: (change: 'suspended' | 'resumed') => void): Promise<void> {
    this.tasksSinceYield = 0;
    await this.localActivities.yield(yieldActivation);
    await this.holdWhileSuspended(scope, notify);
  }

  /** The checkpoint of executions started before `PATCHES.fewerPromisesPerTask`: a promise per task. */
  private async awaitedCheckpoint(scope: CancelScope, notify?: (change: 'suspended' | 'resumed') => void): Promise<void> {
    if (scope.cancelled) throw new CancelledError('cancelled before the task started');
    if (this.progress.backlog >= 1_000) await this.progress.settle();
    if (++this.tasksSinceYield >= TASKS_PER_ACTIVATION) {
      this.tasksSinceYield = 0;
      await this.localActivities.yield(yieldActivation);
    }
    if (!this.control.suspended) return;
    const suspension = this.noteSuspension(notify);
    try {
      await asTemporalScope(scope).run(() => condition(() => !this.control.suspended));
    } catch (error) {
      throw isCancellation(error) ? new CancelledError('cancelled while suspended') : error;
    }
    this.noteResume(suspension, notify);
  }

  private async holdWhileSuspended(scope: CancelScope, notify?: (change: 'suspended' | 'resumed') => void): Promise<void> {
    if (!this.control.suspended) return;
    const suspension = this.noteSuspension(notify);
    try {
      await this.inScope(scope, () => condition(() => !this.control.suspended));
    } catch (error) {
      throw isCancellation(error) ? new CancelledError('cancelled while suspended') : error;
    }
    this.noteResume(suspension, notify);
  }

  /** Reports the current suspension once, however many branches wait; returns its number. */
  private noteSuspension(notify?: (change: 'suspended' | 'resumed') => void): number {
    const suspension = this.control.suspensions;
    if (this.notifiedSuspension < suspension) {
      this.notifiedSuspension = suspension;
      notify?.('suspended');
    }
    return suspension;
  }

  private noteResume(suspension: number, notify?: (change: 'suspended' | 'resumed') => void): void {
    if (this.notifiedResume < suspension) {
      this.notifiedResume = suspension;
      notify?.('resumed');
    }
  }
}
