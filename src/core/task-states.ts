import { EVENT_TYPES, type ProgressEvent, type TaskStatus } from './events.ts';
import { isJsonObject, type Json, type JsonObject } from './json.ts';

/** One task instance as its events left it (the task tree's node). */
export interface TaskState {
  ref: string;
  iteration?: string;
  status: TaskStatus;
  createdAt?: string;
  startedAt?: string;
  endedAt?: string;
  /** Number of runs: 1 for a task that never retried. */
  attempts: number;
  output?: Json;
  /** Where the output is, when it was stored by reference instead (`output` is then absent). */
  outputUri?: string;
  error?: JsonObject;
  /** Sequence number of the last event that changed this state. */
  seq: number;
}

/** Task instances not ended yet: the ancestors a run that continues an execution still has open. */
const OPEN_STATUSES: ReadonlySet<TaskStatus> = new Set(['pending', 'running', 'waiting', 'suspended']);

const TASK_STATUSES: readonly TaskStatus[] = ['pending', 'running', 'waiting', 'suspended', 'cancelled', 'faulted', 'completed', 'skipped'];

/** The timestamp a lifecycle event names in its data (`startedAt`, `completedAt`…), else the CloudEvent time. */
export function eventTimestamp(event: ProgressEvent, field: string): string {
  const value = event.data[field];
  return typeof value === 'string' ? value : event.time;
}

/** An output inline, or its reference when the store kept it by reference. */
function applyOutput(state: TaskState, data: JsonObject): void {
  if (data.output !== undefined) {
    state.output = data.output;
    state.outputUri = undefined;
  } else if (typeof data.outputUri === 'string') {
    state.outputUri = data.outputUri;
    state.output = undefined;
  }
}

function applyTaskEvent(state: TaskState, event: ProgressEvent): void {
  const { data } = event;
  switch (event.type) {
    case EVENT_TYPES.taskCreated:
      state.createdAt ??= eventTimestamp(event, 'createdAt');
      return;
    case EVENT_TYPES.taskStarted:
      state.status = 'running';
      state.startedAt ??= eventTimestamp(event, 'startedAt');
      state.attempts = Math.max(state.attempts, (event.attempt ?? 0) + 1);
      state.endedAt = undefined;
      state.error = undefined;
      return;
    case EVENT_TYPES.taskRetried:
      state.attempts = Math.max(state.attempts, (event.attempt ?? 0) + 1);
      return;
    case EVENT_TYPES.taskSuspended:
      state.status = 'suspended';
      return;
    case EVENT_TYPES.taskResumed:
      state.status = 'running';
      return;
    case EVENT_TYPES.taskCancelled:
      state.status = 'cancelled';
      state.endedAt = eventTimestamp(event, 'cancelledAt');
      return;
    case EVENT_TYPES.taskFaulted:
      state.status = 'faulted';
      state.endedAt = eventTimestamp(event, 'faultedAt');
      if (isJsonObject(data.error)) state.error = data.error;
      return;
    case EVENT_TYPES.taskCompleted:
      state.status = 'completed';
      state.endedAt = eventTimestamp(event, 'completedAt');
      applyOutput(state, data);
      return;
    case EVENT_TYPES.taskSkipped:
      state.status = 'skipped';
      state.endedAt = event.time;
      return;
    case EVENT_TYPES.taskState:
      applyOutput(state, data);
      return;
    case EVENT_TYPES.taskStatusChanged:
      if (TASK_STATUSES.includes(data.status as TaskStatus)) state.status = data.status as TaskStatus;
      return;
  }
}

/**
 * Folds task events (in sequence order) into one state per task instance, keyed by task
 * reference and loop iteration; retries of the same instance raise `attempts`. Instances are
 * listed in the order they first appeared. Incremental, so a workflow can keep its tree current.
 */
export class TaskStateFolder {
  readonly #states = new Map<string, TaskState>();

  constructor(initial: readonly TaskState[] = []) {
    for (const state of initial) this.#states.set(instanceKey(state.ref, state.iteration), { ...state });
  }

  apply(event: ProgressEvent): void {
    if (event.subject === undefined || !event.type.includes('.task.')) return;
    const key = instanceKey(event.subject, event.iteration);
    let state = this.#states.get(key);
    if (!state) {
      state = { ref: event.subject, status: 'pending', attempts: 0, seq: event.seq };
      if (event.iteration !== undefined) state.iteration = event.iteration;
      this.#states.set(key, state);
    }
    applyTaskEvent(state, event);
    state.seq = event.seq;
  }

  get size(): number {
    return this.#states.size;
  }

  states(): TaskState[] {
    return [...this.#states.values()].map(dropUndefined);
  }

  /** Instances that have not ended. */
  open(): TaskState[] {
    return this.states().filter((state) => OPEN_STATUSES.has(state.status));
  }
}

export function foldTaskStates(events: Iterable<ProgressEvent>): TaskState[] {
  const folder = new TaskStateFolder();
  for (const event of events) folder.apply(event);
  return folder.states();
}

function instanceKey(ref: string, iteration: string | undefined): string {
  return `${ref}#${iteration ?? ''}`;
}

function dropUndefined(state: TaskState): TaskState {
  return Object.fromEntries(Object.entries(state).filter(([, value]) => value !== undefined)) as unknown as TaskState;
}
