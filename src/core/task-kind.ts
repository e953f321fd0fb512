import type { TaskDefinition, TaskKind } from './model.ts';

/**
 * The kind of a task, decided by the key it carries. `do` comes last because `for` tasks
 * also carry a `do` list; `try` is recognised by `try` (its `catch` is a sibling).
 */
const KIND_PRIORITY: readonly TaskKind[] = ['call', 'emit', 'for', 'fork', 'listen', 'raise', 'run', 'set', 'switch', 'try', 'wait', 'do'];

export function taskKindOf(task: TaskDefinition): TaskKind | undefined {
  return KIND_PRIORITY.find((kind) => Object.prototype.hasOwnProperty.call(task, kind));
}
