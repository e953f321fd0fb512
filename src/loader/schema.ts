import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { isJsonObject, type Json, type JsonObject } from '../core/json.ts';
import type { TaskKind } from '../core/model.ts';
import { ISSUE } from './issue-codes.ts';
import { toPointer as pointer, type RawIssue } from './issue.ts';
import { loadOfficialSchema, type SchemaEdition } from './official-schema.ts';
import { reduceSchemaErrors } from './schema-errors.ts';

/** Kinds in detection order: `do` last, because a `for` task also has `do`. */
export const TASK_KINDS: readonly TaskKind[] = ['call', 'emit', 'for', 'fork', 'listen', 'raise', 'run', 'set', 'switch', 'try', 'wait', 'do'];

/** The task kind a task object declares, by its key; undefined when it names none. */
export function detectTaskKind(task: JsonObject): TaskKind | undefined {
  if ('catch' in task && !('try' in task)) return 'try';
  return TASK_KINDS.find((kind) => kind in task);
}

/** Where a task of each kind keeps nested task lists, relative to the task. */
export function nestedTaskLists(kind: TaskKind): ReadonlyArray<readonly string[]> {
  switch (kind) {
    case 'do':
    case 'for':
      return [['do']];
    case 'fork':
      return [['fork', 'branches']];
    case 'try':
      return [['try'], ['catch', 'do']];
    default:
      return [];
  }
}

interface CompiledSchema {
  root: ValidateFunction;
  kinds: Map<TaskKind, ValidateFunction>;
  callVariants: Map<string, ValidateFunction>;
  customCall: ValidateFunction;
  schema: JsonObject;
}

export type { SchemaEdition } from './official-schema.ts';

const compiled = new Map<SchemaEdition, CompiledSchema>();

/**
 * Validates a document against the official schema. Task lists are walked here instead of through
 * the schema's `task` oneOf: each task is checked against the definition of its own kind, which
 * keeps messages precise and the cost linear in the number of tasks.
 */
export function validateAgainstSchema(document: Json, edition: SchemaEdition = 'release'): RawIssue[] {
  const schema = compile(edition);
  const issues: RawIssue[] = [];
  if (!schema.root(document)) issues.push(...reduceSchemaErrors(schema.root.errors ?? [], [], schema.schema));
  if (!isJsonObject(document)) return issues;
  checkTaskList(schema, document['do'], ['do'], issues);
  const functions = isJsonObject(document['use']) ? document['use']['functions'] : undefined;
  if (isJsonObject(functions)) {
    for (const [name, task] of Object.entries(functions)) checkTask(schema, task, ['use', 'functions', name], issues);
  }
  return issues;
}

function checkTaskList(schema: CompiledSchema, list: Json | undefined, path: Array<string | number>, issues: RawIssue[]): void {
  if (!Array.isArray(list)) return;
  list.forEach((item, index) => {
    if (!isJsonObject(item)) return;
    for (const [name, task] of Object.entries(item)) checkTask(schema, task, [...path, index, name], issues);
  });
}

function checkTask(schema: CompiledSchema, task: Json, path: Array<string | number>, issues: RawIssue[]): void {
  if (!isJsonObject(task)) {
    issues.push({ code: ISSUE.schema, path, message: `${pointer(path)} must be a task (a mapping), not ${describe(task)}` });
    return;
  }
  const kind = detectTaskKind(task);
  if (kind === undefined) {
    issues.push({
      code: ISSUE.schema,
      path,
      atKey: true,
      message: `${pointer(path)} is not a task: it needs one of the keys ${TASK_KINDS.join(', ')}`,
    });
    return;
  }
  const validate = validatorFor(schema, kind, task);
  if (!validate(task)) {
    const nested = nestedTaskPrefixes(kind, task);
    const own = (validate.errors ?? []).filter((error) => !nested.some((prefix) => within(error.instancePath, prefix)));
    issues.push(...reduceSchemaErrors(own, path, schema.schema));
  }
  for (const listPath of nestedTaskLists(kind)) {
    checkTaskList(schema, get(task, listPath), [...path, ...listPath], issues);
  }
}

/** JSON pointers (relative to the task) of the tasks nested in it, which are checked on their own. */
function nestedTaskPrefixes(kind: TaskKind, task: JsonObject): string[] {
  const prefixes: string[] = [];
  for (const listPath of nestedTaskLists(kind)) {
    const list = get(task, listPath);
    if (!Array.isArray(list)) continue;
    list.forEach((item, index) => {
      if (!isJsonObject(item)) return;
      for (const name of Object.keys(item)) prefixes.push(pointer([...listPath, index, name]));
    });
  }
  return prefixes;
}

/** Segment-wise prefix test: "/do/0/a" contains "/do/0/a/set" but not "/do/0/ab". */
function within(instancePath: string, prefix: string): boolean {
  return instancePath === prefix || instancePath.startsWith(`${prefix}/`);
}

function validatorFor(schema: CompiledSchema, kind: TaskKind, task: JsonObject): ValidateFunction {
  if (kind === 'call') {
    const target = task['call'];
    return (typeof target === 'string' ? schema.callVariants.get(target) : undefined) ?? schema.customCall;
  }
  const validate = schema.kinds.get(kind);
  if (!validate) throw new Error(`no schema definition for task kind ${kind}`);
  return validate;
}

function compile(edition: SchemaEdition): CompiledSchema {
  const cached = compiled.get(edition);
  if (cached) return cached;
  const { schema, validators } = loadOfficialSchema(edition);
  const validator = (name: string): ValidateFunction => {
    const validate = validators[name];
    if (!validate) throw new Error(`the official schema has no validator ${name}`);
    return validate;
  };
  const kinds = new Map<TaskKind, ValidateFunction>();
  for (const kind of TASK_KINDS) if (kind !== 'call') kinds.set(kind, validator(`task_${kind}`));
  const callVariants = new Map<string, ValidateFunction>();
  let customCall: ValidateFunction | undefined;
  const variants = ((schema['$defs'] as JsonObject)['callTask'] as JsonObject)['oneOf'] as JsonObject[];
  variants.forEach((variant, index) => {
    const callSchema = get(variant, ['allOf', 1, 'properties', 'call']);
    const validate = validator(`call_${index}`);
    if (isJsonObject(callSchema) && typeof callSchema['const'] === 'string') callVariants.set(callSchema['const'], validate);
    else customCall = validate;
  });
  if (!customCall) throw new Error('schema has no custom function call variant');
  const result = { root: validator('root'), kinds, callVariants, customCall, schema };
  compiled.set(edition, result);
  return result;
}

function get(value: Json | undefined, path: ReadonlyArray<string | number>): Json | undefined {
  let current = value;
  for (const segment of path) {
    if (Array.isArray(current) && typeof segment === 'number') current = current[segment];
    else if (isJsonObject(current) && typeof segment === 'string') current = current[segment];
    else return undefined;
  }
  return current;
}

function describe(value: Json): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a sequence';
  return `a ${typeof value}`;
}

export type { ErrorObject };
