import { isJsonObject, type Json, type JsonObject } from '../core/json.ts';
import type { TaskKind } from '../core/model.ts';
import type { JsonPath } from './issue.ts';
import { detectTaskKind, nestedTaskLists } from './schema.ts';

export type TaskVisitor = (task: JsonObject, kind: TaskKind, path: JsonPath) => void;

/** Visits every task of a document (nested lists and `use.functions` included), in document order. */
export function walkTasks(document: JsonObject, visit: TaskVisitor): void {
  const use = document['use'];
  if (isJsonObject(use) && isJsonObject(use['functions'])) {
    for (const [name, task] of Object.entries(use['functions'])) visitTask(task, ['use', 'functions', name], visit);
  }
  visitList(document['do'], ['do'], visit);
}

function visitList(list: Json | undefined, path: JsonPath, visit: TaskVisitor): void {
  if (!Array.isArray(list)) return;
  list.forEach((entry, index) => {
    if (!isJsonObject(entry)) return;
    for (const [name, task] of Object.entries(entry)) visitTask(task, [...path, index, name], visit);
  });
}

function visitTask(task: Json, path: JsonPath, visit: TaskVisitor): void {
  if (!isJsonObject(task)) return;
  const kind = detectTaskKind(task);
  if (kind === undefined) return;
  visit(task, kind, path);
  for (const listPath of nestedTaskLists(kind)) {
    let list: Json | undefined = task;
    for (const segment of listPath) list = isJsonObject(list) ? list[segment] : undefined;
    visitList(list, [...path, ...listPath], visit);
  }
  const foreach = kind === 'listen' ? task['foreach'] : undefined;
  if (isJsonObject(foreach)) visitList(foreach['do'], [...path, 'foreach', 'do'], visit);
}
