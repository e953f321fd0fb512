/**
 * The `cairn` package entry: load and validate Serverless Workflow documents and run them in this
 * process. Everything exported here is public API (semver); modules not re-exported are internal.
 * Temporal: `cairn/temporal`; the jq engine on its own: `cairn/jq`.
 */
import type { Json, JsonObject } from '../core/json.ts';
import type { WorkflowDocument } from '../core/model.ts';
import { createNativeJqEngine } from '../jq/native-engine.ts';
import { loadWorkflow as loadWithEngine, loadWorkflowFile as loadFileWithEngine, WorkflowLoadError, type ValidationIssue } from '../loader/load-workflow.ts';
import type { ParseLimits } from '../loader/parse-source.ts';
import { runLocal, type ExecutionResult } from '../hosts/local/run-local.ts';
import type { ProgressEvent } from '../core/events.ts';
import type { JqLimits } from '../jq/index.ts';

export type { Json, JsonObject } from '../core/json.ts';
export type { WorkflowDocument } from '../core/model.ts';
export type { ProgressEvent, EventType, WorkflowStatus, TaskStatus } from '../core/events.ts';
export { EVENT_TYPES } from '../core/events.ts';
export type { ProblemDetails } from '../core/errors.ts';
export type { FinalStatus } from '../core/interpreter.ts';
export type { ExecutionResult } from '../hosts/local/run-local.ts';
export type { ValidationIssue, IssueCode } from '../loader/load-workflow.ts';
export type { ParseLimits } from '../loader/parse-source.ts';
export type { JqLimits } from '../jq/index.ts';
export { WorkflowLoadError };

export interface LoadOptions {
  /** Named in issues as `file:line:col` (default `workflow.yaml`). */
  fileName?: string;
  /** Bounds on the source text (size, depth, aliases…); defaults are generous. */
  limits?: Partial<ParseLimits>;
}

/** A validation outcome as data: the document, or every issue located by file, line and column. */
export type ValidationResult = { valid: true; document: WorkflowDocument } | { valid: false; issues: readonly ValidationIssue[] };

/** The engine documents are checked with; each expression is compiled once at load. */
const loadEngine = createNativeJqEngine();

/**
 * Parses YAML or JSON text and validates it (official schema, flow targets, names, `use`
 * references, expression syntax). Throws `WorkflowLoadError` whose `issues` locate every problem.
 */
export function loadWorkflow(text: string, options: LoadOptions = {}): WorkflowDocument {
  return loadWithEngine(text, options.fileName ?? 'workflow.yaml', { engine: loadEngine, ...(options.limits ? { limits: options.limits } : {}) });
}

/** `loadWorkflow` for a file; an unreadable file is a `WorkflowLoadError` too. */
export function loadWorkflowFile(path: string, options: Omit<LoadOptions, 'fileName'> = {}): Promise<WorkflowDocument> {
  return loadFileWithEngine(path, { engine: loadEngine, ...(options.limits ? { limits: options.limits } : {}) });
}

/** `loadWorkflow` that returns its issues instead of throwing them. */
export function validateWorkflow(text: string, options: LoadOptions = {}): ValidationResult {
  try {
    return { valid: true, document: loadWorkflow(text, options) };
  } catch (error) {
    if (error instanceof WorkflowLoadError) return { valid: false, issues: error.issues };
    throw error;
  }
}

export interface RunOptions {
  /** The workflow input (default `{}`). */
  input?: Json;
  /** `$secrets`: redacted from events, errors and output; only performers see the values. */
  secrets?: JsonObject;
  /** Called with every progress event, in `seq` order, as it happens. */
  onEvent?: (event: ProgressEvent) => void;
  /** Aborting it cancels the execution: the result's status is `cancelled`. */
  signal?: AbortSignal;
  /** Bounds on each runtime expression's evaluation (a breach faults the task with a runtime error). */
  limits?: JqLimits;
  /** Whether `run` tasks (shell, script, container) and MCP over stdio may start processes (default false). */
  allowProcesses?: boolean;
  /** The execution id in events (default a random UUID). */
  executionId?: string;
}

/**
 * Runs a loaded document in this process to its end. Workflow faults are results (`status:
 * 'faulted'` with an RFC 7807 `error`), never throws.
 */
export function runWorkflow(document: WorkflowDocument, options: RunOptions = {}): Promise<ExecutionResult> {
  const { input = {}, limits, ...rest } = options;
  return runLocal(document, input, { ...rest, engine: createNativeJqEngine({ ...limits, now: () => Date.now() / 1000 }) });
}
