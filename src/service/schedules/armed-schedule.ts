import type { Json, JsonObject } from '../../core/json.ts';
import type { ExecutionRecord, WorkflowRef } from '../../store/execution-store.ts';
import type { ScheduleClock } from './clock.ts';
import type { ScheduleKind } from './schedule-spec.ts';

/** What the scheduler lists for one armed schedule (GET /v1/schedules). */
export interface ScheduleView {
  workflow: WorkflowRef;
  kind: ScheduleKind;
  /** The document's `schedule`, as written. */
  schedule: JsonObject;
  /** When the next execution starts, if that is planned (every, cron, after between runs). */
  nextFireAt?: string;
  /** `after`: the execution whose end the next start waits for. */
  waitingFor?: string;
  /** `on` with `all`: events received that still wait for the rest. */
  pendingEvents?: number;
}

/**
 * Starts one execution of a scheduled workflow. `key` names the occasion (a fire time, the
 * triggering events, the previous run) and decides the execution id, so the same occasion never
 * starts twice, even from several services sharing one store. Resolves with the id whether this
 * call or an earlier one started it, or undefined when starting failed (already logged).
 */
export type StartScheduled = (workflow: WorkflowRef, kind: ScheduleKind, key: string, input: Json) => Promise<string | undefined>;

export interface ScheduleDeps {
  clock: ScheduleClock;
  start: StartScheduled;
}

/** One workflow's running schedule. */
export interface ArmedSchedule {
  readonly workflow: WorkflowRef;
  view(): ScheduleView;
  /** Stops planning starts; starts already under way finish. */
  stop(): void;
  /** `after` follows its runs' ends. */
  executionChanged?(record: ExecutionRecord): void;
  /** `on` consumes CloudEvents. */
  event?(event: JsonObject): void;
}

export function isoOrUndefined(epochMs: number | undefined): string | undefined {
  return epochMs === undefined ? undefined : new Date(epochMs).toISOString();
}
