import type { ProgressEvent } from '../core/events.ts';
import type { Json } from '../core/json.ts';
import type { WorkflowDocument } from '../core/model.ts';
import type { ExecutionOutcome } from '../store/execution-store.ts';

export interface EngineRun {
  executionId: string;
  document: WorkflowDocument;
  input: Json;
  /** Allows ReportProgress for this execution only: for engines whose runs report from elsewhere (Temporal workers). */
  reportToken: string;
  /** The start request's W3C trace context: the execution's trace continues it. */
  traceparent?: string;
  /** Called for each progress event, in sequence order (in-process engines; remote ones use ReportProgress). */
  onEvent: (event: ProgressEvent) => void;
  /** Called once when the run ends, however it ends, with every event the run produced when the engine kept them. */
  onFinish: (outcome: ExecutionOutcome, events?: ProgressEvent[]) => void;
}

/**
 * What runs executions for the service: the embedded local host, or (later) Temporal.
 * Control calls return false when this engine does not run the execution (any more).
 */
export interface ExecutionEngine {
  readonly name: string;
  /** Set when runs report from elsewhere and make no spans of their own: the service derives them from the stored events. */
  readonly runsElsewhere?: boolean;
  start(run: EngineRun): void;
  cancel(executionId: string): boolean;
  suspend(executionId: string): boolean;
  resume(executionId: string): boolean;
  /**
   * Engines whose runs outlive the service (Temporal): follows an unfinished execution a previous
   * service process started, as `start` would have.
   */
  reattach?(run: EngineRun): void;
  /** Engines whose runs report from elsewhere: the store misses some of this execution's events; fetch them (through `onEvent`). */
  fillGaps?(executionId: string): void;
  /** Stops running (in-process engines cancel their runs) and waits for it to end. */
  close(): Promise<void>;
}
