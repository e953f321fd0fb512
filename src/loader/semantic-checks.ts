import { isJsonObject, type Json, type JsonObject } from '../core/json.ts';
import type { TaskKind } from '../core/model.ts';
import { dslLine } from '../core/dsl-version.ts';
import { ISSUE } from './issue-codes.ts';
import { toPointer, type RawIssue } from './issue.ts';
import { detectTaskKind, nestedTaskLists } from './schema.ts';

const FLOW_KEYWORDS = new Set(['continue', 'exit', 'end']);
const BUILT_IN_CALLS = new Set(['http', 'openapi', 'grpc', 'asyncapi', 'a2a', 'mcp']);
/** `name:version@catalog`, the spec's form for a function taken from a catalog. */
const CATALOG_FUNCTION = /^[^:@\s]+:[^:@\s]+@[^:@\s]+$/;
/** A custom function called by the URL of its `function.yaml` (or `<catalog root>/<name>@<version>`). */
const FUNCTION_URL = /^[a-z][a-z0-9+.-]*:\/\/\S+$/i;

type Path = Array<string | number>;

/**
 * Checks what the schema cannot: DSL version, duplicate task names, `then` targets and references
 * to `use` definitions. Runs on a document that already passed the schema, but stays defensive.
 */
export function checkSemantics(document: JsonObject): RawIssue[] {
  const issues: RawIssue[] = [];
  const use = isJsonObject(document['use']) ? document['use'] : {};
  const defined = (section: string): Set<string> => new Set(isJsonObject(use[section]) ? Object.keys(use[section]) : []);
  const names = {
    errors: defined('errors'),
    retries: defined('retries'),
    timeouts: defined('timeouts'),
    functions: defined('functions'),
    authentications: defined('authentications'),
  };

  const header = isJsonObject(document['document']) ? document['document'] : {};
  if (typeof header['dsl'] === 'string' && dslLine(header['dsl']) === undefined) {
    issues.push({
      code: ISSUE.unsupportedDsl,
      path: ['document', 'dsl'],
      message: `document.dsl ${header['dsl']} is not supported; Cairn runs DSL 1.0.0 to 1.0.3, the pre-releases 1.0.0-alpha1 to alpha5, and 1.x above 1.0.3 as the specification's main`,
    });
  }

  const reference = (value: Json | undefined, path: Path, section: keyof typeof names, what: string): void => {
    if (typeof value === 'string' && !names[section].has(value)) {
      issues.push({ code: ISSUE.unknownReference, path, message: `${what} '${value}' is not defined in use.${section}${known(names[section])}` });
    }
  };

  const checkAuthentications = (value: Json | undefined, path: Path): void => {
    if (Array.isArray(value)) value.forEach((item, i) => checkAuthentications(item, [...path, i]));
    if (!isJsonObject(value)) return;
    for (const [key, item] of Object.entries(value)) {
      if (key === 'authentication' && isJsonObject(item)) reference(item['use'], [...path, key, 'use'], 'authentications', 'authentication');
      else checkAuthentications(item, [...path, key]);
    }
  };

  const checkTask = (task: JsonObject, kind: TaskKind, path: Path): void => {
    reference(task['timeout'], [...path, 'timeout'], 'timeouts', 'timeout');
    for (const io of ['input', 'output', 'export']) {
      const spec = task[io];
      if (isJsonObject(spec)) checkAuthentications(spec['schema'], [...path, io, 'schema']);
    }
    if (kind === 'raise' && isJsonObject(task['raise'])) reference(task['raise']['error'], [...path, 'raise', 'error'], 'errors', 'error');
    if (kind === 'try' && isJsonObject(task['catch'])) reference(task['catch']['retry'], [...path, 'catch', 'retry'], 'retries', 'retry policy');
    if (kind === 'run') checkAuthentications(task['run'], [...path, 'run']);
    if (kind === 'call' && typeof task['call'] === 'string') {
      const target = task['call'];
      if (BUILT_IN_CALLS.has(target)) checkAuthentications(task['with'], [...path, 'with']);
      else if (!names.functions.has(target) && !CATALOG_FUNCTION.test(target) && !FUNCTION_URL.test(target)) {
        issues.push({
          code: ISSUE.unknownReference,
          path: [...path, 'call'],
          message: `call '${target}' is neither a built-in call (${[...BUILT_IN_CALLS].join(', ')}), a function in use.functions${known(names.functions)}, a catalog function name:version@catalog, nor the URL of a function document`,
        });
      }
    }
  };

  const checkTaskList = (list: Json | undefined, path: Path): void => {
    if (!Array.isArray(list)) return;
    const firstIndex = new Map<string, number>();
    const entries: Array<{ name: string; task: JsonObject; path: Path }> = [];
    list.forEach((item, index) => {
      if (!isJsonObject(item)) return;
      for (const [name, task] of Object.entries(item)) {
        const taskPath = [...path, index, name];
        const first = firstIndex.get(name);
        if (first !== undefined) {
          issues.push({ code: ISSUE.duplicateTask, path: taskPath, atKey: true, message: `task name '${name}' is already used by ${toPointer([...path, first, name])} in this task list` });
        } else firstIndex.set(name, index);
        if (isJsonObject(task)) entries.push({ name, task, path: taskPath });
      }
    });
    const targets = new Set(firstIndex.keys());
    const checkThen = (value: Json | undefined, thenPath: Path): void => {
      if (typeof value === 'string' && !FLOW_KEYWORDS.has(value) && !targets.has(value)) {
        issues.push({
          code: ISSUE.thenTarget,
          path: thenPath,
          message: `then '${value}' names no task of this task list; expected continue, exit, end or one of: ${[...targets].join(', ')}`,
        });
      }
    };
    for (const { task, path: taskPath } of entries) {
      const kind = detectTaskKind(task);
      if (kind === undefined) continue;
      checkThen(task['then'], [...taskPath, 'then']);
      if (kind === 'try' && isJsonObject(task['catch'])) checkThen(task['catch']['then'], [...taskPath, 'catch', 'then']);
      if (kind === 'switch' && Array.isArray(task['switch'])) {
        task['switch'].forEach((item, i) => {
          if (!isJsonObject(item)) return;
          for (const [caseName, switchCase] of Object.entries(item)) {
            if (isJsonObject(switchCase)) checkThen(switchCase['then'], [...taskPath, 'switch', i, caseName, 'then']);
          }
        });
      }
      checkTask(task, kind, taskPath);
      for (const nested of nestedTaskLists(kind)) checkTaskList(get(task, nested), [...taskPath, ...nested]);
    }
  };

  reference(document['timeout'], ['timeout'], 'timeouts', 'timeout');
  checkTaskList(document['do'], ['do']);
  if (isJsonObject(use['functions'])) {
    for (const [name, task] of Object.entries(use['functions'])) {
      const kind = isJsonObject(task) ? detectTaskKind(task) : undefined;
      if (isJsonObject(task) && kind !== undefined) {
        checkTask(task, kind, ['use', 'functions', name]);
        for (const nested of nestedTaskLists(kind)) checkTaskList(get(task, nested), ['use', 'functions', name, ...nested]);
      }
    }
  }
  checkAuthentications(use['catalogs'], ['use', 'catalogs']);
  return issues;
}

function known(names: Set<string>): string {
  return names.size === 0 ? ' (none are defined)' : ` (defined: ${[...names].join(', ')})`;
}

function get(value: Json | undefined, path: readonly string[]): Json | undefined {
  let current = value;
  for (const segment of path) current = isJsonObject(current) ? current[segment] : undefined;
  return current;
}
