import type { Json, JsonObject } from './json.ts';

/** The spec's lifecycle CloudEvent types, plus Cairn's runner phases and task state updates. */
export const EVENT_TYPES = {
  workflowStarted: 'io.serverlessworkflow.workflow.started.v1',
  workflowSuspended: 'io.serverlessworkflow.workflow.suspended.v1',
  workflowResumed: 'io.serverlessworkflow.workflow.resumed.v1',
  workflowCorrelationStarted: 'io.serverlessworkflow.workflow.correlation-started.v1',
  workflowCorrelationCompleted: 'io.serverlessworkflow.workflow.correlation-completed.v1',
  workflowCancelled: 'io.serverlessworkflow.workflow.cancelled.v1',
  workflowFaulted: 'io.serverlessworkflow.workflow.faulted.v1',
  workflowCompleted: 'io.serverlessworkflow.workflow.completed.v1',
  workflowStatusChanged: 'io.serverlessworkflow.workflow.status-changed.v1',
  taskCreated: 'io.serverlessworkflow.task.created.v1',
  taskStarted: 'io.serverlessworkflow.task.started.v1',
  taskSuspended: 'io.serverlessworkflow.task.suspended.v1',
  taskResumed: 'io.serverlessworkflow.task.resumed.v1',
  taskRetried: 'io.serverlessworkflow.task.retried.v1',
  taskCancelled: 'io.serverlessworkflow.task.cancelled.v1',
  taskFaulted: 'io.serverlessworkflow.task.faulted.v1',
  taskCompleted: 'io.serverlessworkflow.task.completed.v1',
  taskStatusChanged: 'io.serverlessworkflow.task.status-changed.v1',
  /** Runner phases (the original system's workflow_parsing … workflow_executing). */
  runnerParsing: 'io.cairn.runner.parsing.v1',
  runnerParsed: 'io.cairn.runner.parsed.v1',
  runnerBuilding: 'io.cairn.runner.building.v1',
  runnerExecuting: 'io.cairn.runner.executing.v1',
  /** A task's output after `output.as`, so watchers see data flowing between tasks. */
  taskState: 'io.cairn.task.state.v1',
  /** The task was not run because its `if` evaluated to false. */
  taskSkipped: 'io.cairn.task.skipped.v1',
} as const;

export type EventType = (typeof EVENT_TYPES)[keyof typeof EVENT_TYPES];

export type WorkflowStatus = 'pending' | 'running' | 'waiting' | 'suspended' | 'cancelled' | 'faulted' | 'completed';
export type TaskStatus = 'pending' | 'running' | 'waiting' | 'suspended' | 'cancelled' | 'faulted' | 'completed' | 'skipped';

/**
 * One progress event: a CloudEvent (spec 1.0) with Cairn extension attributes.
 * `id` and `seq` come from the interpreter's own state, so a Temporal replay reproduces them
 * and the service can deduplicate on `id`.
 */
export interface ProgressEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: EventType;
  time: string;
  datacontenttype: 'application/json';
  /** Execution this event belongs to. */
  executionid: string;
  /** 1-based, contiguous per execution. */
  seq: number;
  /** Task reference (JSON Pointer), for task events. */
  subject?: string;
  /** Loop iteration path of the task instance, e.g. "2" or "2.0" for nested loops; absent outside loops. */
  iteration?: string;
  /** Retry attempt of the enclosing `try` (0 for the first run); absent when never retried. */
  attempt?: number;
  data: JsonObject;
}

export const EVENT_SOURCE = 'urn:cairn:runtime';

/** Receives progress events. Returning void keeps reporting out of the interpreter's control flow. */
export type ProgressSink = (event: ProgressEvent) => void;

/** The id of the `seq`-th event of an execution: deterministic, unique, sortable within the execution. */
export function progressEventId(executionId: string, seq: number): string {
  return `${executionId}:${String(seq).padStart(8, '0')}`;
}

export type EventData = Record<string, Json | undefined>;
