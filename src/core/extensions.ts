import type { Json, JsonObject } from './json.ts';
import { isJsonObject } from './json.ts';
import type { TaskKind, TaskList } from './model.ts';
import type { Frame } from './execution.ts';
import type { ExecutorResult, TaskContext } from './executors/types.ts';
import { childPointer } from './pointer.ts';

/** The `extend` value naming each task kind (`do` tasks are `composite`); `all` matches every kind. */
const EXTEND_TARGET: Record<TaskKind, string> = {
  call: 'call',
  do: 'composite',
  emit: 'emit',
  for: 'for',
  fork: 'fork',
  listen: 'listen',
  raise: 'raise',
  run: 'run',
  set: 'set',
  switch: 'switch',
  try: 'try',
  wait: 'wait',
};

interface Extension {
  pointer: string;
  before?: TaskList;
  after?: TaskList;
}

/**
 * `use.extensions` around a task: every extension whose `extend` matches the task's kind and whose
 * `when` holds runs its `before` list, then the task, then its `after` list, in declaration order.
 * The lists run for their effects (a logging call does not replace the task's data): `before` sees
 * the task's input and `after` its output. A `before` list that exits (`then: exit`) stands in for
 * the task, its output becoming the task's output (mocking). In the lists and in `when`, `$task`
 * is the extended task: its descriptor (`reference`, `input`, …) over its definition's fields, as
 * the spec's examples use both. Tasks inside extensions are not extended themselves.
 */
export async function runWithExtensions(
  kind: TaskKind,
  input: Json,
  context: TaskContext,
  extendedTask: () => Json,
  runTask: () => Promise<ExecutorResult>,
): Promise<ExecutorResult> {
  const { execution, frame, pointer } = context;
  const declared = execution.document.use?.extensions;
  if (!declared || frame.extendedTask !== undefined) return runTask();
  const candidates = matching(declared, kind);
  if (candidates.length === 0) return runTask();
  const task = extendedTask();
  const variables = { ...context.variables, task };
  const applicable = candidates.filter(({ when }) => when === undefined || execution.evaluator.condition(when, input, variables, pointer));
  if (applicable.length === 0) return runTask();

  // Extension tasks carry the extended task as `$task`; their own state is not resumable.
  const listFrame: Frame = { ...frame, resumable: false, extendedTask: task };
  let result: ExecutorResult | undefined;
  for (const extension of applicable) {
    if (!extension.before) continue;
    const outcome = await context.runList(extension.before, childPointer(extension.pointer, 'before'), input, listFrame);
    if (outcome.ended) return { output: outcome.output, ended: true };
    if (outcome.exited) {
      result = { output: outcome.output };
      break;
    }
  }
  result ??= await runTask();
  if (result.ended) return result;
  for (const extension of applicable) {
    if (!extension.after) continue;
    const outcome = await context.runList(extension.after, childPointer(extension.pointer, 'after'), result.output, listFrame);
    if (outcome.ended) return { output: result.output, ended: true };
  }
  return result;
}

function matching(declared: Array<Record<string, JsonObject>>, kind: TaskKind): Array<Extension & { when?: string }> {
  const target = EXTEND_TARGET[kind];
  return declared.flatMap((entry, index) =>
    Object.entries(entry)
      .filter(([, extension]) => extension.extend === 'all' || extension.extend === target)
      .map(([name, extension]) => ({
        pointer: childPointer('/use/extensions', index, name),
        ...(typeof extension.when === 'string' ? { when: extension.when } : {}),
        ...(Array.isArray(extension.before) ? { before: extension.before as unknown as TaskList } : {}),
        ...(Array.isArray(extension.after) ? { after: extension.after as unknown as TaskList } : {}),
      })),
  );
}

/** `$task` inside extensions: the descriptor's fields over the definition's. */
export function extendedTaskVariable(descriptor: Json, definition: JsonObject): Json {
  return isJsonObject(descriptor) ? { ...definition, ...descriptor } : descriptor;
}
