import { EVENT_SOURCE, EVENT_TYPES, progressEventId, type ProgressEvent } from '../../core/events.ts';
import { problemToJson, workflowError, type ProblemDetails } from '../../core/errors.ts';
import type { JsonObject } from '../../core/json.ts';

/**
 * What one execution may use. The runner that owns the execution's worker thread enforces them
 * from outside it, so a runaway expression (`reduce range(1e9)`) is stopped too.
 */
export interface ExecutionLimits {
  /** Heap of the execution's worker thread (V8 old generation), in MiB. */
  maxMemoryMb?: number;
  /** Wall-clock time from start to end, in milliseconds. */
  maxDurationMs?: number;
  /** Time the execution's thread spends busy (running, not waiting), in milliseconds. */
  maxCpuMs?: number;
  /** Task instances started (each loop iteration and retry attempt counts). */
  maxTasks?: number;
  /** Progress events reported. */
  maxEvents?: number;
}

export type LimitName = keyof ExecutionLimits;

/** The CLI option (and service option) naming each limit, so the error tells the operator what to raise. */
export const LIMIT_OPTIONS: Record<LimitName, string> = {
  maxMemoryMb: '--max-memory',
  maxDurationMs: '--max-duration',
  maxCpuMs: '--max-cpu',
  maxTasks: '--max-tasks',
  maxEvents: '--max-events',
};

const UNITS: Record<LimitName, string> = {
  maxMemoryMb: 'MiB of memory',
  maxDurationMs: 'ms of run time',
  maxCpuMs: 'ms of busy time',
  maxTasks: 'tasks',
  maxEvents: 'progress events',
};

/**
 * The smallest thread heap allowed: below it, a value grown in one step (an array's backing store)
 * can hit V8's fatal out-of-memory before the thread's limit stops it, which aborts the whole
 * process instead of ending the execution (measured: 64 MiB aborts, 128 MiB stops the thread).
 */
export const MIN_MEMORY_MB = 128;

/** The limits `cairn serve` applies to every execution of its embedded engine unless told otherwise. */
export const SERVICE_DEFAULT_LIMITS: Required<Omit<ExecutionLimits, 'maxDurationMs'>> = {
  maxMemoryMb: 512,
  maxCpuMs: 120_000,
  maxTasks: 200_000,
  maxEvents: 1_000_000,
};

/**
 * The fault of an execution that exceeded a limit: the spec's `runtime` error (the runtime stopped
 * it, not the workflow), with Cairn's `CAIRN_ERR_LIMIT` code and the limit named in the detail.
 */
export function limitProblem(limit: LimitName, value: number): ProblemDetails {
  const problem = workflowError('runtime', `the execution exceeded its limit of ${value} ${UNITS[limit]} (${LIMIT_OPTIONS[limit]})`, {
    title: 'Limit exceeded',
    instance: '/',
  }).problem;
  return { ...problem, code: 'CAIRN_ERR_LIMIT', limit: LIMIT_OPTIONS[limit].slice(2) };
}

/** Counts what an execution reported against its task and event limits. */
export class LimitCounter {
  private events = 0;
  private tasks = 0;

  constructor(private readonly limits: ExecutionLimits) {}

  /** The limit this event goes past, if any (the event itself is then not to be kept). */
  exceededBy(event: ProgressEvent): LimitName | undefined {
    this.events += 1;
    if (event.type === EVENT_TYPES.taskStarted) this.tasks += 1;
    if (this.limits.maxEvents !== undefined && this.events > this.limits.maxEvents) return 'maxEvents';
    if (this.limits.maxTasks !== undefined && this.tasks > this.limits.maxTasks) return 'maxTasks';
    return undefined;
  }
}

/**
 * The events that end an execution stopped from outside its thread: the same end event and status
 * change the interpreter reports, numbered after the last event kept.
 */
export function endEvents(
  executionId: string,
  instanceName: string,
  lastSeq: number,
  status: 'faulted' | 'cancelled',
  error: ProblemDetails | undefined,
  now: Date,
): ProgressEvent[] {
  const at = now.toISOString();
  const event = (offset: number, type: ProgressEvent['type'], data: JsonObject): ProgressEvent => ({
    specversion: '1.0',
    id: progressEventId(executionId, lastSeq + offset),
    source: EVENT_SOURCE,
    type,
    time: at,
    datacontenttype: 'application/json',
    executionid: executionId,
    seq: lastSeq + offset,
    data,
  });
  const end =
    status === 'faulted'
      ? event(1, EVENT_TYPES.workflowFaulted, { name: instanceName, faultedAt: at, ...(error ? { error: problemToJson(error) } : {}) })
      : event(1, EVENT_TYPES.workflowCancelled, { name: instanceName, cancelledAt: at });
  return [end, event(2, EVENT_TYPES.workflowStatusChanged, { name: instanceName, status, updatedAt: at })];
}
