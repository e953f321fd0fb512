import { EVENT_TYPES, type ProgressEvent, type TaskStatus } from '../core/events.ts';
import { isJsonObject, type Json } from '../core/json.ts';
import type { TaskState } from './execution-store.ts';

const TASK_STATUSES: readonly TaskStatus[] = ['pending', 'running', 'waiting', 'suspended', 'cancelled', 'faulted', 'completed', 'skipped'];

/** The timestamp a lifecycle event names in its data (`startedAt`, `completedAt`…), else the CloudEvent time. */
export function eventTimestamp(event: ProgressEvent, field: string): string {
  const value = event.data[field];
  return typeof value === 'string' ? value : event.time;
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
      if (data.output !== undefined) state.output = data.output as Json;
      return;
    case EVENT_TYPES.taskSkipped:
      state.status = 'skipped';
      state.endedAt = event.time;
      return;
    case EVENT_TYPES.taskState:
      if (data.output !== undefined) state.output = data.output as Json;
      return;
    case EVENT_TYPES.taskStatusChanged:
      if (TASK_STATUSES.includes(data.status as TaskStatus)) state.status = data.status as TaskStatus;
      return;
  }
}

/**
 * Folds task events (in sequence order) into one state per task instance, keyed by task
 * reference and loop iteration; retries of the same instance raise `attempts`. Instances are
 * listed in the order they first appeared.
 */
export function foldTaskStates(events: Iterable<ProgressEvent>): TaskState[] {
  const states = new Map<string, TaskState>();
  for (const event of events) {
    if (event.subject === undefined || !event.type.includes('.task.')) continue;
    const key = `${event.subject}#${event.iteration ?? ''}`;
    let state = states.get(key);
    if (!state) {
      state = { ref: event.subject, status: 'pending', attempts: 0, seq: event.seq };
      if (event.iteration !== undefined) state.iteration = event.iteration;
      states.set(key, state);
    }
    applyTaskEvent(state, event);
    state.seq = event.seq;
  }
  return [...states.values()].map(dropUndefined);
}

function dropUndefined(state: TaskState): TaskState {
  return Object.fromEntries(Object.entries(state).filter(([, value]) => value !== undefined)) as unknown as TaskState;
}
