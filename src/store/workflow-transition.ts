import { EVENT_TYPES, type ProgressEvent, type WorkflowStatus } from '../core/events.ts';
import { isJsonObject, type Json, type JsonObject } from '../core/json.ts';
import { eventTimestamp } from '../core/task-states.ts';

const WORKFLOW_STATUSES: readonly WorkflowStatus[] = ['pending', 'running', 'waiting', 'suspended', 'cancelled', 'faulted', 'completed'];

export const TERMINAL_STATUSES: readonly WorkflowStatus[] = ['cancelled', 'faulted', 'completed'];

/** What a workflow lifecycle event changes on its execution row. */
export interface WorkflowTransition {
  status: WorkflowStatus;
  startedAt?: string;
  endedAt?: string;
  output?: Json;
  error?: JsonObject;
  /** The parent task a `run: workflow` child reports in its started event. */
  parent?: { executionId: string; task: string; iteration?: string };
}

function parentOf(value: Json | undefined): WorkflowTransition['parent'] {
  if (!isJsonObject(value) || typeof value.executionId !== 'string' || typeof value.task !== 'string') return undefined;
  return { executionId: value.executionId, task: value.task, ...(typeof value.iteration === 'string' ? { iteration: value.iteration } : {}) };
}

/** The execution change a workflow lifecycle event implies, or undefined for other events. */
export function workflowTransition(event: ProgressEvent): WorkflowTransition | undefined {
  const { data } = event;
  switch (event.type) {
    case EVENT_TYPES.workflowStarted:
      return { status: 'running', startedAt: eventTimestamp(event, 'startedAt'), ...(data.parent !== undefined ? { parent: parentOf(data.parent as Json) } : {}) };
    case EVENT_TYPES.workflowSuspended:
      return { status: 'suspended' };
    case EVENT_TYPES.workflowResumed:
      return { status: 'running' };
    case EVENT_TYPES.workflowCancelled:
      return { status: 'cancelled', endedAt: eventTimestamp(event, 'cancelledAt') };
    case EVENT_TYPES.workflowFaulted:
      return { status: 'faulted', endedAt: eventTimestamp(event, 'faultedAt'), ...(isJsonObject(data.error) ? { error: data.error } : {}) };
    case EVENT_TYPES.workflowCompleted:
      return { status: 'completed', endedAt: eventTimestamp(event, 'completedAt'), ...(data.output !== undefined ? { output: data.output as Json } : {}) };
    case EVENT_TYPES.workflowStatusChanged:
      return WORKFLOW_STATUSES.includes(data.status as WorkflowStatus) ? { status: data.status as WorkflowStatus } : undefined;
    default:
      return undefined;
  }
}

export function isTerminal(status: WorkflowStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}
