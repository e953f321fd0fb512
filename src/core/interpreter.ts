import type { Host } from './host.ts';
import type { Json, JsonObject } from './json.ts';
import type { WorkflowDocument } from './model.ts';
import type { ExpressionEngine } from '../jq/engine.ts';
import type { SchemaValidator } from './schema.ts';
import { ExpressionEvaluator } from './expr/evaluator.ts';
import { ProgressReporter, type TaskInstance } from './progress.ts';
import { isoTime } from './iso-time.ts';
import { secretStrings } from './redaction.ts';
import { EVENT_TYPES } from './events.ts';
import { baseVariables, timestampDescriptor, type Execution, type Frame } from './execution.ts';
import { runTaskList } from './run-task-list.ts';
import { inDocumentErrorDomain } from './run-task.ts';
import { dslLine } from './dsl-version.ts';
import { isCancelledError, isWorkflowError, problemToJson, workflowError, type ProblemDetails } from './errors.ts';
import { withDeadline } from './cancellation.ts';
import { resolveDuration } from './resolve-duration.ts';
import { validateWithSchema } from './validate-data.ts';
import { msToIsoDuration } from './duration.ts';
import { isContinuationSignal, ResumeCursor, type ResumePoint } from './continuation.ts';
import { sealSecrets, secretEntries } from './secret-sealing.ts';
import type { EffectRequest } from './effects.ts';

export const RUNTIME_NAME = 'cairn';
export const RUNTIME_VERSION = '0.1.0';

export interface RunOptions {
  executionId: string;
  engine: ExpressionEngine;
  schemas: SchemaValidator;
  /** `$secrets`: values are redacted from every progress event. */
  secrets?: JsonObject;
  /** Extra `$runtime.metadata` (e.g. which host runs the workflow). */
  runtimeMetadata?: JsonObject;
  /** When the document was parsed before the run, reported as the runner's parsing phases. */
  parsing?: { startedAt: number; completedAt: number };
  /** Where the caller stores this execution's output; a document opting into main reports it as `outputUri`. */
  outputUri?: string;
  /** Set for a `run: workflow` child: the execution and task that started it, reported in the started event. */
  parent?: ParentTask;
  /**
   * Spends the promises per task of the interpreter before its lean path (an extension wrapper
   * around every task): a Temporal execution started then replays with the same microtask order.
   */
  legacyTaskPromises?: boolean;
}

/** The task instance of another execution that started this one (`run: workflow`). */
export interface ParentTask {
  executionId: string;
  /** The parent task's JSON Pointer. */
  task: string;
  /** The parent task's loop iteration path ("2", "2.0"), absent outside loops. */
  iteration?: string;
}

/** The parent pointer of a child started by `task` of execution `executionId`. */
export function parentTask(executionId: string, task: TaskInstance): ParentTask {
  return { executionId, task: task.pointer, ...(task.iteration.length > 0 ? { iteration: task.iteration.join('.') } : {}) };
}

export type FinalStatus = 'completed' | 'faulted' | 'cancelled';

export interface WorkflowResult {
  status: FinalStatus;
  output?: Json;
  error?: ProblemDetails;
  /** Sequence number of the last progress event. */
  lastSeq: number;
}

/** Running an execution as a chain of runs (Temporal's continue-as-new). */
export interface SegmentOptions {
  /** Where the previous run paused; absent for the first run. */
  resumeFrom?: ResumePoint;
  /** Asked before each task at a resumable point: true ends this run with a resume point. */
  shouldContinue(): boolean;
}

/** A run that paused so the execution can go on in a new one, from `resume`. */
export interface ContinuedRun {
  status: 'continued';
  resume: ResumePoint;
  lastSeq: number;
}

const ROOT = '/';

/** `$secrets` per the spec: only the secrets the document declares in `use.secrets`. */
function declaredSecrets(secrets: JsonObject, declared: readonly string[]): JsonObject {
  return Object.fromEntries(Object.entries(secrets).filter(([name]) => declared.includes(name)));
}

/**
 * Runs a validated workflow document to its end through the given host. Never throws for workflow
 * faults: the result says completed, faulted (with the RFC 7807 error) or cancelled. With segment
 * options the run may instead pause at a resumable point (`continued`); a run given that resume
 * point goes on with the same data, `$context` and event sequence, reporting no start events again.
 */
export function runWorkflow(document: WorkflowDocument, input: Json, host: Host, options: RunOptions): Promise<WorkflowResult>;
export function runWorkflow(document: WorkflowDocument, input: Json, host: Host, options: RunOptions, segment: SegmentOptions): Promise<WorkflowResult | ContinuedRun>;
export async function runWorkflow(document: WorkflowDocument, input: Json, host: Host, options: RunOptions, segment?: SegmentOptions): Promise<WorkflowResult | ContinuedRun> {
  const secrets = declaredSecrets(options.secrets ?? {}, document.use?.secrets ?? []);
  const resumeFrom = segment?.resumeFrom;
  const progress = new ProgressReporter(host, options.executionId, secretStrings(secrets), resumeFrom?.lastSeq ?? 0);
  const instanceName = `${document.document.name}-${options.executionId}.${document.document.namespace}`;
  const definition = { name: document.document.name, namespace: document.document.namespace, version: document.document.version };
  if (!resumeFrom) {
    const parsing = options.parsing ?? { startedAt: host.now(), completedAt: host.now() };
    progress.emit(EVENT_TYPES.runnerParsing, { name: instanceName, startedAt: isoTime(parsing.startedAt) });
    progress.emit(EVENT_TYPES.runnerParsed, { name: instanceName, definition, completedAt: isoTime(parsing.completedAt) });
    progress.emit(EVENT_TYPES.runnerBuilding, { name: instanceName, startedAt: isoTime(host.now()) });
  }

  const startedAt = resumeFrom ? resumeFrom.startedAt : host.now();
  const sealed = secretEntries(secrets);
  const execution: Execution = {
    host,
    document,
    executionId: options.executionId,
    evaluator: new ExpressionEvaluator(options.engine, document.use?.secrets ?? []),
    schemas: options.schemas,
    progress,
    secrets,
    instanceName,
    workflowDescriptor: { id: options.executionId, definition: document as unknown as Json, input, startedAt: timestampDescriptor(startedAt) },
    runtimeDescriptor: { name: RUNTIME_NAME, version: RUNTIME_VERSION, metadata: options.runtimeMetadata ?? {} },
    context: resumeFrom ? resumeFrom.context : {},
    resume: new ResumeCursor(resumeFrom?.frames),
    // A sub-workflow's input is workflow data for the child, not something a performer reads.
    perform: (request, effectOptions, scope) =>
      host.perform(request.kind === 'run.workflow' ? request : (sealSecrets(request as unknown as Json, sealed) as unknown as EffectRequest), effectOptions, scope),
    ...(segment ? { shouldContinue: segment.shouldContinue } : {}),
    legacyTaskPromises: options.legacyTaskPromises === true,
  };
  const frame: Frame = { iteration: [], attempt: 0, scope: host.rootScope, variables: {}, resumable: true };

  if (!resumeFrom) {
    const parent = options.parent ? { parent: options.parent as unknown as JsonObject } : {};
    progress.emit(EVENT_TYPES.workflowStarted, { name: instanceName, definition, startedAt: isoTime(startedAt), ...parent });
    progress.emit(EVENT_TYPES.workflowStatusChanged, { name: instanceName, status: 'running', updatedAt: isoTime(startedAt) });
    progress.emit(EVENT_TYPES.runnerExecuting, { name: instanceName, startedAt: isoTime(host.now()) });
  }
  try {
    const output = await runBody(execution, input, frame, resumeFrom !== undefined, startedAt);
    const completedAt = host.now();
    const outputUri = options.outputUri !== undefined && dslLine(document.document.dsl) === 'main' ? { outputUri: options.outputUri } : {};
    progress.emit(EVENT_TYPES.workflowCompleted, { name: instanceName, completedAt: isoTime(completedAt), output, ...outputUri });
    progress.emit(EVENT_TYPES.workflowStatusChanged, { name: instanceName, status: 'completed', updatedAt: isoTime(completedAt) });
    return { status: 'completed', output, lastSeq: progress.lastSeq };
  } catch (error) {
    if (isContinuationSignal(error)) {
      return { status: 'continued', resume: { frames: error.frames, context: execution.context, lastSeq: progress.lastSeq, startedAt }, lastSeq: progress.lastSeq };
    }
    const endedAt = isoTime(host.now());
    if (isCancelledError(error)) {
      progress.emit(EVENT_TYPES.workflowCancelled, { name: instanceName, cancelledAt: endedAt });
      progress.emit(EVENT_TYPES.workflowStatusChanged, { name: instanceName, status: 'cancelled', updatedAt: endedAt });
      return { status: 'cancelled', lastSeq: progress.lastSeq };
    }
    const located = isWorkflowError(error)
      ? error.withInstance(ROOT)
      : workflowError('runtime', `unexpected failure: ${(error as Error)?.message ?? String(error)}`, { instance: ROOT });
    const { problem } = inDocumentErrorDomain(execution, located);
    const redacted = progress.redact(problemToJson(problem)) as unknown as ProblemDetails;
    progress.emit(EVENT_TYPES.workflowFaulted, { name: instanceName, faultedAt: endedAt, error: redacted as unknown as JsonObject });
    progress.emit(EVENT_TYPES.workflowStatusChanged, { name: instanceName, status: 'faulted', updatedAt: endedAt });
    return { status: 'faulted', error: redacted, lastSeq: progress.lastSeq };
  }
}

/**
 * Workflow-level data flow around the top-level task list, under the workflow timeout. A resumed
 * run keeps its `$context` and the deadline counted from the execution's start.
 */
async function runBody(execution: Execution, rawInput: Json, frame: Frame, resuming: boolean, startedAt: number): Promise<Json> {
  const { document, evaluator, host } = execution;
  const variables = { ...baseVariables(execution, frame), input: rawInput };
  if (!resuming) validateWithSchema(execution, document.input?.schema, rawInput, 'input', ROOT);
  const input = document.input?.from !== undefined ? evaluator.transform(document.input.from, rawInput, variables, ROOT) : rawInput;
  // The spec's data flow sets the transformed workflow input as the initial `$context`.
  if (!resuming) execution.context = input;
  const run = (scope: Frame['scope']) => runTaskList(execution, document.do, '/do', input, { ...frame, scope });

  let outcome;
  if (document.timeout === undefined) {
    outcome = await run(frame.scope);
  } else {
    const spec = typeof document.timeout === 'string' ? document.use?.timeouts?.[document.timeout] : document.timeout;
    if (!spec) throw workflowError('configuration', `timeout '${String(document.timeout)}' is not defined in use.timeouts`, { instance: ROOT });
    const ms = resolveDuration(spec.after, evaluator, input, { ...variables, input }, ROOT);
    const remainingMs = resuming ? Math.max(0, ms - (host.now() - startedAt)) : ms;
    outcome = await withDeadline(host, frame.scope, remainingMs, run, () => workflowError('timeout', `the workflow timed out after ${msToIsoDuration(ms)}`, { instance: ROOT }));
  }
  const output = document.output?.as !== undefined ? evaluator.transform(document.output.as, outcome.output, { ...variables, input }, ROOT) : outcome.output;
  validateWithSchema(execution, document.output?.schema, output, 'output', ROOT);
  return output;
}
