import type { Json, JsonObject } from '../json.ts';
import type { FlowDirective, TaskByKind, TaskDefinition, TaskKind, TaskList } from '../model.ts';
import type { Execution, Frame, Variables } from '../execution.ts';

/** What running a task list produced: the last output, and whether a task ended the workflow. */
export interface ListOutcome {
  output: Json;
  ended: boolean;
  /** A task left the list with `then: exit` (an extension's `before` list standing in for its task). */
  exited?: boolean;
}

/** What an executor produced. `then` overrides the task's own directive (a matched switch case). */
export interface ExecutorResult {
  output: Json;
  then?: FlowDirective;
  /** A nested task said `then: end`: the whole workflow ends after this task. */
  ended?: boolean;
  /** Extra variables for the task's `output.as` and `export.as` (a call's `$authorization`). */
  variables?: Variables;
  /** The CloudEvents a `listen` consumed, as received: reported with the task's state, so they can be inspected whatever `output.as` keeps. */
  consumedEvents?: JsonObject[];
}

/** Everything an executor may use; executors never see the host's implementation. */
export interface TaskContext {
  readonly execution: Execution;
  readonly name: string;
  readonly pointer: string;
  readonly frame: Frame;
  /** Variables for the task's own expressions (`$input` is the transformed input). */
  readonly variables: Variables;
  runList(list: TaskList, listPointer: string, input: Json, frame: Frame): Promise<ListOutcome>;
  runTask(name: string, task: TaskDefinition, pointer: string, input: Json, frame: Frame): Promise<ExecutorResult>;
}

export type Executor<K extends TaskKind> = (task: TaskByKind[K], input: Json, context: TaskContext) => Promise<ExecutorResult>;

export type ExecutorTable = { [K in TaskKind]: Executor<K> };
