import type { ProgressEvent, WorkflowStatus } from '../core/events.ts';
import type { Json, JsonObject } from '../core/json.ts';
import type { TaskState } from '../core/task-states.ts';
import type { SqlDriver } from './sql-driver.ts';

/** Which workflow definition an execution runs. */
export interface WorkflowRef {
  namespace: string;
  name: string;
  version: string;
}

export interface NewExecution {
  id: string;
  workflow: WorkflowRef;
  /** The YAML/JSON text the execution runs, kept so watchers can draw the task graph. */
  document: string;
  input: Json;
  /** Creation time, ISO 8601. */
  createdAt: string;
  /** The engine that runs it (`local`…); absent for runs that only report to this service. */
  engine?: string;
  /** What started it when no client did: `schedule.every`, `schedule.cron`, `schedule.after`, `schedule.on`. */
  trigger?: string;
}

export interface ExecutionRecord {
  id: string;
  workflow: WorkflowRef;
  status: WorkflowStatus;
  /** Absent when the input is stored by reference (`inputUri`). */
  input?: Json;
  /** The service path of the input when it exceeded the inline value limit (read it with `readValue`). */
  inputUri?: string;
  output?: Json;
  /** The service path of the output when it exceeded the inline value limit. */
  outputUri?: string;
  error?: JsonObject;
  createdAt: string;
  startedAt?: string;
  endedAt?: string;
  updatedAt: string;
  /** Highest sequence number up to which every event is stored (no gap below it). */
  lastSeq: number;
  /** Highest sequence number stored; above `lastSeq` when events are missing in between. */
  maxSeq: number;
  engine?: string;
  /** What started it when no client did (see `NewExecution.trigger`). */
  trigger?: string;
  /** Set for a `run: workflow` child: the execution whose task started it. */
  parentExecutionId?: string;
  /** That task's JSON Pointer. */
  parentTask?: string;
  /** That task's loop iteration path, when it ran in a loop. */
  parentIteration?: string;
  /** The reason given with the cancel request (the status says whether the cancellation took effect). */
  cancelReason?: string;
  /** Set when a stored column could not be decoded: the record is served, not crashed on. */
  malformed?: string[];
}

/** One task instance (task reference plus loop iteration), folded from its events. */
export type { TaskState };

/** Task instances of one window of an execution's task events (see `ExecutionStore.getTasks`). */
export interface TaskPage {
  tasks: TaskState[];
  olderFromSeq?: number;
}

/** One page of a task's instances (its loop iterations), newest first: their events, in sequence order. */
export interface TaskInstancePage {
  events: ProgressEvent[];
  /** Set when older instances exist: the next page's `beforeSeq` (where this page's oldest instance starts). */
  olderFromSeq?: number;
}

/** How many task events one snapshot folds at most: a snapshot never reads an execution's whole history. */
export const TASK_EVENT_WINDOW = 10_000;

/** Inclusive range of missing sequence numbers. */
export interface SeqGap {
  from: number;
  to: number;
}

export interface AppendResult {
  executionId: string;
  inserted: number;
  duplicates: number;
  lastSeq: number;
  maxSeq: number;
  gaps: SeqGap[];
  /** Status after the append (events can move it). */
  status: WorkflowStatus;
}

export interface ExecutionFilter {
  namespace?: string;
  name?: string;
  version?: string;
  status?: WorkflowStatus[];
  engine?: string;
  /** Only the `run: workflow` children of this execution. */
  parentExecutionId?: string;
  /** Start of the execution id (as the dashboard and CLI show ids shortened). */
  idPrefix?: string;
  /** Inclusive lower bound on `createdAt` (ISO 8601). */
  createdAfter?: string;
  /** Exclusive upper bound on `createdAt` (ISO 8601). */
  createdBefore?: string;
  /** Opaque cursor from a previous page's `nextCursor`. */
  cursor?: string;
  limit?: number;
}

export interface ExecutionPage {
  items: ExecutionRecord[];
  nextCursor?: string;
}

/** Fields the engine writes when an execution ends without a terminal event (or to fill output in). */
export interface ExecutionOutcome {
  status: WorkflowStatus;
  output?: Json;
  error?: JsonObject;
  at: string;
}

export interface WorkflowDocumentRecord extends WorkflowRef {
  document: string;
  registeredAt: string;
}

export interface WorkflowSummary {
  namespace: string;
  name: string;
  versions: string[];
  latest: string;
}

export interface StoreOptions {
  /** Serialized JSON bytes above which inputs and outputs are stored by reference (default 64 KiB). */
  inlineValueLimit?: number;
}

/**
 * Durable state of the execution service. Both implementations (SQLite and PostgreSQL) share
 * one SQL code path, and one test suite (`test/store/store.suite.ts`) proves they behave alike.
 */
export interface ExecutionStore {
  readonly dialect: 'sqlite' | 'postgres';
  /** The database itself, for the service's coordination tables (instance leases, execution owners). */
  readonly sql: SqlDriver;
  createExecution(execution: NewExecution): Promise<ExecutionRecord>;
  getExecution(id: string): Promise<ExecutionRecord | undefined>;
  /** The workflow text the execution runs. */
  getExecutionDocument(id: string): Promise<string | undefined>;
  listExecutions(filter: ExecutionFilter): Promise<ExecutionPage>;
  /** Keeps the reason of a cancel request on an execution that has not ended; false when it has (or does not exist). */
  recordCancelReason(id: string, reason: string): Promise<boolean>;
  /** Records the engine's final result unless a terminal event already set the status. */
  finishExecution(id: string, outcome: ExecutionOutcome): Promise<ExecutionRecord | undefined>;
  /**
   * Stores events idempotently (an event id seen before is ignored), advances each execution's
   * contiguous `lastSeq`, updates its status from workflow lifecycle events, and reports gaps.
   * Events of an unknown execution create it (so reports from runs started elsewhere are kept).
   */
  appendEvents(events: ProgressEvent[]): Promise<AppendResult[]>;
  /** Events with `afterSeq < seq <= throughSeq` in order (`throughSeq` defaults to `lastSeq`: never past a gap). */
  readEvents(executionId: string, afterSeq: number, options?: { throughSeq?: number; limit?: number }): Promise<ProgressEvent[]>;
  findGaps(executionId: string): Promise<SeqGap[]>;
  /**
   * The JSON text of a value stored by reference (an `inputUri`/`outputUri`'s last segment), or
   * undefined unless that execution refers to it. Values above the inline limit are stored once,
   * content-addressed, whatever number of events and executions carry them.
   */
  readValue(executionId: string, hash: string): Promise<string | undefined>;
  /**
   * Per-task state folded, in sequence order, from a bounded window of task events: the newest
   * `limit` (default `TASK_EVENT_WINDOW`) below `beforeSeq` (default: all). `olderFromSeq` is set
   * when older task events exist: the next window's `beforeSeq`. A task instance whose events
   * straddle the window's start shows only its later part.
   */
  getTasks(executionId: string, window?: { beforeSeq?: number; limit?: number }): Promise<TaskPage>;
  /**
   * The events of one task's newest `limit` instances (by when each was created) below `beforeSeq`,
   * or of its instance of one `iteration`: a loop's iterations paged without reading the others.
   * An instance retried by an enclosing `try` shows on the page of its latest run.
   */
  getTaskInstances(executionId: string, pointer: string, page: { beforeSeq?: number; limit: number; iteration?: string }): Promise<TaskInstancePage>;
  /**
   * Retention: deletes up to `limit` executions that ended before `endedBefore` (ISO 8601), oldest
   * first, with their events (in bounded chunks, never one huge transaction) and their links to
   * stored values; returns how many. Running executions are never touched.
   */
  deleteEndedExecutions(endedBefore: string, limit: number): Promise<number>;
  /** Deletes up to `limit` stored values that no execution refers to any more; returns how many. */
  deleteUnreferencedValues(limit: number): Promise<number>;
  registerWorkflow(workflow: WorkflowDocumentRecord): Promise<{ created: boolean }>;
  getWorkflow(namespace: string, name: string, version?: string): Promise<WorkflowDocumentRecord | undefined>;
  listWorkflowVersions(namespace: string, name: string): Promise<WorkflowDocumentRecord[]>;
  listWorkflows(): Promise<WorkflowSummary[]>;
  close(): Promise<void>;
}

export class StoreError extends Error {
  constructor(
    readonly code: 'CAIRN_ERR_STORE_CONFLICT' | 'CAIRN_ERR_STORE_INVALID' | 'CAIRN_ERR_STORE_UNAVAILABLE',
    message: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}
