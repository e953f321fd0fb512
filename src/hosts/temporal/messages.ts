import type { TraceRoot } from '../../core/trace-context.ts';
import { defineQuery, defineSignal, type Sinks } from '@temporalio/workflow';
import type { ProblemDetails } from '../../core/errors.ts';
import type { ProgressEvent } from '../../core/events.ts';
import type { Json, JsonObject } from '../../core/json.ts';
import type { WorkflowDocument } from '../../core/model.ts';
import type { ResumePoint } from '../../core/continuation.ts';
import type { ParentTask } from '../../core/interpreter.ts';
import type { CarriedProgress, TaskTreePage } from './progress-log.ts';

/** The generic workflow's type name, as registered on the worker and started by clients. */
export const WORKFLOW_TYPE = 'ExecuteServerlessWorkflow';
export const DEFAULT_TASK_QUEUE = 'cairn-workflows';

export interface ExecutionOptions {
  /** Hand progress events to the worker as they happen, which ships them (the service wants them; the CLI reads the query). */
  reportProgress?: boolean;
  /**
   * Where the worker sends progress batches: the service that started the execution
   * and the execution's report token (it allows ReportProgress for this execution only). A worker
   * started with `--service` sends to its own URL instead.
   */
  report?: ProgressReportTarget;
  /** When the client parsed the document, reported as the runner's parsing phases. */
  parsing?: { startedAt: number; completedAt: number };
  /** Set when the starter traces: each effect's activity gets its task's `traceparent` (trace-context.ts). */
  trace?: TraceRoot;
  /** When a run continues as new (besides Temporal's own suggestion); defaults in workflow.ts. */
  continueAsNew?: ContinueAsNewLimits;
  /** How deep this execution is nested as a `run: workflow` child (0 or absent for a top-level run). */
  subWorkflowDepth?: number;
}

/**
 * A run continues the execution as new, at the next point the interpreter can resume from, once
 * its history or the progress events it holds in memory reach these counts.
 */
export interface ContinueAsNewLimits {
  historyEvents?: number;
  heldProgressEvents?: number;
}

/** What a run hands to the run continuing the execution. */
export interface ContinuedExecution {
  resume: ResumePoint;
  progress: CarriedProgress;
  /** A suspend signal arrived while the previous run was handing over. */
  suspended: boolean;
  /** Detached sub-workflows (`await: false`) that may still run: cancelled with this execution. */
  detachedChildren?: string[];
}

export interface ProgressReportTarget {
  url?: string;
  token: string;
  /** Attempts per batch, with exponential backoff (default 3); a batch still failing is dropped (the query keeps it). */
  attempts?: number;
}

export interface ExecuteServerlessWorkflowInput {
  /** Parsed and validated before the workflow starts: the sandbox never sees YAML. */
  document: WorkflowDocument;
  input: Json;
  executionId: string;
  options?: ExecutionOptions;
  /** `$secrets`: only ever sent through the encrypting payload codec (see encryption-codec.ts). */
  secrets?: JsonObject;
  /** Set on runs after the first (continue-as-new): where and how the execution goes on. */
  continued?: ContinuedExecution;
  /** Set for a `run: workflow` child: the parent execution's task that started it. */
  parent?: ParentTask;
}

export type ExecutionStatus = 'running' | 'suspended' | 'completed' | 'faulted' | 'cancelled';

export interface ExecutionOutcome {
  status: 'completed' | 'faulted' | 'cancelled';
  output?: Json;
  error?: ProblemDetails;
  /** `seq` of the execution's last progress event (a follower knows whether it missed any). */
  lastSeq?: number;
}

export interface ProgressQueryResult {
  status: ExecutionStatus;
  events: ProgressEvent[];
  lastSeq: number;
}

/** Holds the execution before its next task; tasks already running finish. */
export const suspendSignal = defineSignal('cairn.suspend');
export const resumeSignal = defineSignal('cairn.resume');
/** Delivers a CloudEvent to the execution's `listen` tasks (those listening when it arrives). */
export const eventSignal = defineSignal<[event: JsonObject]>('cairn.event');
/** Status and the progress events after `afterSeq` (at most `limit`, default 1,000, and ~1 MB): costs no history. */
export const progressQuery = defineQuery<ProgressQueryResult, [afterSeq: number, limit?: number]>('cairn.progress');

export interface TaskTreeQueryResult extends TaskTreePage {
  status: ExecutionStatus;
}

/** Status and the task tree (the `limit` most recently changed instances, default 1,000): costs no history. */
export const taskTreeQuery = defineQuery<TaskTreeQueryResult, [limit?: number]>('cairn.tasks');

/**
 * How progress leaves the workflow: sink calls reach the worker after each activation, cost no
 * history and no activity, and are not repeated on replay (the worker's ProgressOutbox ships them).
 */
export interface ProgressSinks extends Sinks {
  cairnProgress: {
    /** Events of one execution, in `seq` order. */
    report(events: ProgressEvent[], target: ProgressReportTarget | undefined): void;
    /** The run ends: its activation completes once the worker handed its events over (bounded). */
    drain(executionId: string): void;
  };
}

/** A span the workflow sandbox made (workflow-interceptors.ts), as it leaves the sandbox: plain data, no SDK object. */
export interface WorkflowSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  /** Workflow time (ms since the epoch): the same again on replay. */
  startMillis: number;
  endMillis: number;
  /** Set when the call failed (its error's message); a span without it ended well. */
  error?: string;
}

/** How the sandbox's spans leave it: one sink call per activation that ended any, not repeated on replay. */
export interface TracingSinks extends Sinks {
  cairnSpans: {
    export(spans: WorkflowSpan[]): void;
  };
}
