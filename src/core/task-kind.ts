import type { TaskDefinition, TaskKind } from './model.ts';

/**
 * The kind of a task, decided by the key it carries. `do` comes last because `for` tasks
 * also carry a `do` list; `try` is recognised by `try` (its `catch` is a sibling).
 */
const KIND_PRIORITY: readonly TaskKind[] = ['call', 'emit', 'for', 'fork', 'listen', 'raise', 'run', 'set', 'switch', 'try', 'wait', 'do'];

/** Documents are never mutated, so a task's kind is decided once. */
const decided = new WeakMap<TaskDefinition, TaskKind | undefined>();

export function taskKindOf(task: TaskDefinition): TaskKind | undefined {
  if (decided.has(task)) return decided.get(task);
  const kind = KIND_PRIORITY.find((candidate) => Object.prototype.hasOwnProperty.call(task, candidate));
  decided.set(task, kind);
  return kind;
}

/** The kind of the task a JSON Pointer names in a document (`/do/0/name/for/do/1/step`), if it names one. */
export function taskKindAt(document: object, pointer: string): TaskKind | undefined {
  let node: unknown = document;
  for (const token of pointer.split('/').slice(1)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[token.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node !== null && typeof node === 'object' && !Array.isArray(node) ? taskKindOf(node as TaskDefinition) : undefined;
}
