import type { CancelScope, Host } from './host.ts';
import type { EffectOptions, EffectRequest } from './effects.ts';
import type { Json, JsonObject } from './json.ts';
import type { WorkflowDocument } from './model.ts';
import type { ExpressionEvaluator, Variables } from './expr/evaluator.ts';
import type { ProgressReporter, TaskInstance } from './progress.ts';
import type { SchemaValidator } from './schema.ts';
import type { ResumeCursor } from './continuation.ts';
import { isoTime } from './iso-time.ts';

/** Interpreter state shared by every task of one execution. */
export interface Execution {
  readonly host: Host;
  readonly document: WorkflowDocument;
  readonly executionId: string;
  readonly evaluator: ExpressionEvaluator;
  readonly schemas: SchemaValidator;
  readonly progress: ProgressReporter;
  readonly secrets: JsonObject;
  /** `$workflow`: id, definition, input, startedAt. */
  readonly workflowDescriptor: JsonObject;
  /** `$runtime`: name, version, metadata. */
  readonly runtimeDescriptor: JsonObject;
  /** The qualified instance name used in lifecycle events (`name-id.namespace`). */
  readonly instanceName: string;
  /** `$context`, replaced by each task's `export.as`. */
  context: Json;
  /** `host.perform` with secret values sealed out of the request (see secret-sealing.ts). */
  perform(request: EffectRequest, options: EffectOptions, scope: CancelScope): Promise<Json>;
  /** The frames of the point this run resumes from (empty for a fresh run). */
  readonly resume: ResumeCursor;
  /** Asked before each task at a resumable point: true pauses the run there (see continuation.ts). */
  readonly shouldContinue?: () => boolean;
  /** See `RunOptions.legacyTaskPromises`. */
  readonly legacyTaskPromises: boolean;
}

/** Where a task instance runs: its place in loops and retries, its scope and its inherited variables. */
export interface Frame {
  readonly iteration: readonly number[];
  readonly attempt: number;
  readonly scope: CancelScope;
  /** Variables introduced by enclosing tasks: `for` item/index, `catch` error. */
  readonly variables: Readonly<Record<string, Json>>;
  /** Every enclosing construct can be rebuilt from a resume point (see continuation.ts). */
  readonly resumable: boolean;
  /** Inside an extension's `before`/`after` list: the extended task, which is `$task` there. */
  readonly extendedTask?: Json;
}

export function taskInstance(pointer: string, frame: Frame): TaskInstance {
  return { pointer, iteration: frame.iteration, attempt: frame.attempt };
}

/** How a task's effect is named to the host: its pointer, and the instance (for the effect's span). */
export function effectOptions(pointer: string, frame: Frame): EffectOptions {
  return { summary: pointer, task: taskInstance(pointer, frame) };
}

/** The spec's runtime arguments (`$context`, `$workflow`, …) plus the frame's own variables. */
export function baseVariables(execution: Execution, frame: Frame): Record<string, Json | (() => Json)> {
  return {
    context: () => execution.context,
    secrets: execution.secrets,
    workflow: execution.workflowDescriptor,
    runtime: execution.runtimeDescriptor,
    ...frame.variables,
  };
}

export type { Variables };

/** `startedAt`-style timestamps as the spec's descriptors carry them. */
export function timestampDescriptor(epochMs: number): JsonObject {
  return {
    iso8601: isoTime(epochMs),
    epoch: { seconds: Math.floor(epochMs / 1000), milliseconds: epochMs },
  };
}
