import type { Json, JsonObject } from './json.ts';

/**
 * The parts of a Serverless Workflow 1.0 document the interpreter reads. The loader has
 * validated the document against the official schema, so these types describe shape, not trust.
 */
export interface WorkflowDocument {
  document: DocumentHeader;
  input?: InputSpec;
  output?: OutputSpec;
  use?: UseSpec;
  do: TaskList;
  timeout?: TimeoutSpec | string;
  schedule?: JsonObject;
  evaluate?: { language?: string; mode?: 'strict' | 'loose' };
}

export interface DocumentHeader {
  dsl: string;
  namespace: string;
  name: string;
  version: string;
  title?: string;
  summary?: string;
  tags?: Record<string, string>;
  metadata?: JsonObject;
}

/** A task list: an array of single-entry maps `{ name: task }`, in declaration order. */
export type TaskList = Array<Record<string, TaskDefinition>>;

export interface SchemaSpec {
  format?: string;
  document?: JsonObject;
  resource?: { endpoint: string | { uri: string } };
}

export interface InputSpec {
  schema?: SchemaSpec;
  from?: string | JsonObject;
}

export interface OutputSpec {
  schema?: SchemaSpec;
  as?: string | JsonObject;
}

export interface ExportSpec {
  schema?: SchemaSpec;
  as?: string | JsonObject;
}

export interface DurationObject {
  days?: number;
  hours?: number;
  minutes?: number;
  seconds?: number;
  milliseconds?: number;
}

/** A duration object, an ISO 8601 duration string, or a runtime expression. */
export type Duration = DurationObject | string;

export interface TimeoutSpec {
  after: Duration;
}

export interface ErrorSpec {
  type: string;
  status: number | string;
  instance?: string;
  title?: string;
  detail?: string;
}

export interface RetryPolicy {
  when?: string;
  exceptWhen?: string;
  delay?: Duration;
  backoff?: { constant?: JsonObject; linear?: { increment?: Duration } & JsonObject; exponential?: { factor?: number } & JsonObject };
  limit?: { attempt?: { count?: number; duration?: Duration }; duration?: Duration };
  jitter?: { from: Duration; to: Duration };
}

export interface UseSpec {
  authentications?: Record<string, JsonObject>;
  errors?: Record<string, ErrorSpec>;
  extensions?: Array<Record<string, JsonObject>>;
  functions?: Record<string, TaskDefinition>;
  retries?: Record<string, RetryPolicy>;
  secrets?: string[];
  timeouts?: Record<string, TimeoutSpec>;
  catalogs?: Record<string, JsonObject>;
}

export type FlowDirective = 'continue' | 'exit' | 'end' | (string & {});

/** Fields every task may carry. */
export interface TaskBase {
  if?: string;
  input?: InputSpec;
  output?: OutputSpec;
  export?: ExportSpec;
  timeout?: TimeoutSpec | string;
  then?: FlowDirective;
  metadata?: JsonObject;
}

export interface CallTask extends TaskBase {
  call: string;
  with?: JsonObject;
}
export interface DoTask extends TaskBase {
  do: TaskList;
}
export interface EmitTask extends TaskBase {
  emit: { event: { with: JsonObject } };
}
export interface ForTask extends TaskBase {
  /** `in`: an expression, or (spec main, after 1.0.3) an inline array. */
  for: { each?: string; in: string | Json[]; at?: string };
  while?: string;
  do: TaskList;
}
export interface ForkTask extends TaskBase {
  fork: { branches: TaskList; compete?: boolean };
}
export interface ListenTask extends TaskBase {
  listen: JsonObject;
  foreach?: JsonObject;
}
export interface RaiseTask extends TaskBase {
  raise: { error: ErrorSpec | string };
}
export interface RunTask extends TaskBase {
  run: JsonObject;
}
export interface SetTask extends TaskBase {
  set: JsonObject | string;
}
export interface SwitchCase {
  when?: string;
  then: FlowDirective;
}
export interface SwitchTask extends TaskBase {
  switch: Array<Record<string, SwitchCase>>;
}
export interface CatchSpec {
  /** `details` is v1.0.3's name for the filter on the error's `detail`; the spec's main renamed it `detail`. */
  errors?: { with?: Partial<Record<'type' | 'status' | 'instance' | 'title' | 'detail' | 'details', Json>> };
  as?: string;
  when?: string;
  exceptWhen?: string;
  retry?: RetryPolicy | string;
  do?: TaskList;
  /** Spec main (after 1.0.3): where the flow goes once the error is handled. */
  then?: FlowDirective;
}
export interface TryTask extends TaskBase {
  try: TaskList;
  catch: CatchSpec;
}
export interface WaitTask extends TaskBase {
  wait: Duration;
}

export interface TaskByKind {
  call: CallTask;
  do: DoTask;
  emit: EmitTask;
  for: ForTask;
  fork: ForkTask;
  listen: ListenTask;
  raise: RaiseTask;
  run: RunTask;
  set: SetTask;
  switch: SwitchTask;
  try: TryTask;
  wait: WaitTask;
}

export type TaskKind = keyof TaskByKind;
export type TaskDefinition = TaskByKind[TaskKind];
