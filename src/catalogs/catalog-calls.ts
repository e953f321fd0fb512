import { isJsonObject, type Json, type JsonObject } from '../core/json.ts';
import type { JsonPath } from '../loader/issue.ts';
import { detectTaskKind } from '../loader/schema.ts';
import { CATALOG_FUNCTION, FUNCTION_URL } from './catalog-location.ts';

export interface CatalogCall {
  call: string;
  /** Where the call is written, for messages. */
  path: JsonPath;
}

/**
 * Every `call: name:version@catalog` or `call: <function URL>` in a document's tasks and `use.functions`, in document order.
 * Walks task lists only (never data such as `set` values), including `foreach` bodies.
 */
export function catalogCalls(document: JsonObject): CatalogCall[] {
  const found: CatalogCall[] = [];
  const visitList = (list: Json | undefined, path: JsonPath): void => {
    if (!Array.isArray(list)) return;
    list.forEach((entry, index) => {
      if (!isJsonObject(entry)) return;
      for (const [name, task] of Object.entries(entry)) visitTask(task, [...path, index, name]);
    });
  };
  const visitTask = (task: Json, path: JsonPath): void => {
    if (!isJsonObject(task)) return;
    switch (detectTaskKind(task)) {
      case 'call': {
        const call = task.call;
        if (typeof call === 'string' && (CATALOG_FUNCTION.test(call) || FUNCTION_URL.test(call))) found.push({ call, path: [...path, 'call'] });
        const subscription = isJsonObject(task.with) ? task.with.subscription : undefined;
        const foreach = isJsonObject(subscription) ? subscription.foreach : undefined;
        if (isJsonObject(foreach)) visitList(foreach.do, [...path, 'with', 'subscription', 'foreach', 'do']);
        break;
      }
      case 'do':
      case 'for':
        visitList(task.do, [...path, 'do']);
        break;
      case 'fork':
        if (isJsonObject(task.fork)) visitList(task.fork.branches, [...path, 'fork', 'branches']);
        break;
      case 'try':
        visitList(task.try, [...path, 'try']);
        if (isJsonObject(task.catch)) visitList(task.catch.do, [...path, 'catch', 'do']);
        break;
      case 'listen':
        if (isJsonObject(task.foreach)) visitList(task.foreach.do, [...path, 'foreach', 'do']);
        break;
      default:
        break;
    }
  };
  const use = document.use;
  if (isJsonObject(use) && isJsonObject(use.functions)) {
    for (const [name, task] of Object.entries(use.functions)) visitTask(task, ['use', 'functions', name]);
  }
  visitList(document.do, ['do']);
  return found;
}
