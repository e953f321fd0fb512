import { referencedVariables } from '../core/expr/runtime-expression.ts';
import { ExpressionSyntaxError, type ExpressionEngine } from '../jq/engine.ts';
import { isJsonObject, type Json, type JsonObject } from '../core/json.ts';
import { ISSUE } from './issue-codes.ts';
import type { RawIssue } from './issue.ts';
import { detectTaskKind } from './schema.ts';

/** The spec's runtime expression arguments, available everywhere. */
const BASE_VARIABLES = ['context', 'input', 'output', 'secrets', 'task', 'workflow', 'runtime', 'authorization'];
const ENCLOSED = /^\s*\$\{([\s\S]*)\}\s*$/;
/** Keys whose values are never runtime expressions: names, flow directives, schemas, free metadata. */
const NOT_EXPRESSIONS = new Set(['then', 'metadata', 'schema']);
type Path = Array<string | number>;

/**
 * Compiles every runtime expression of a document with the engine the runtime will use, so syntax
 * errors surface at load time with their location. Each expression sees the variables of its scope:
 * the spec's arguments, a `for` loop's item and index names, a `catch`'s error name.
 */
export function checkExpressions(document: JsonObject, engine: ExpressionEngine): RawIssue[] {
  const issues: RawIssue[] = [];

  const compile = (expression: string, index: number, path: Path, variables: readonly string[]): void => {
    // Unknown `$variables` are tolerated (runtimes may add their own): every one mentioned is declared.
    const declared = [...new Set([...variables, ...referencedVariables(expression)])];
    try {
      engine.compile(expression, declared);
    } catch (error) {
      const offset = error instanceof ExpressionSyntaxError && error.location ? error.location.offset - 1 : 0;
      const message = error instanceof Error ? error.message : String(error);
      issues.push({ code: ISSUE.expressionSyntax, path, expressionOffset: index + offset, message: `invalid expression: ${message}` });
    }
  };

  /** A field the spec declares as an expression: `${ }` is optional. */
  const field = (value: Json | undefined, path: Path, variables: readonly string[]): void => {
    if (typeof value === 'string') {
      const enclosed = ENCLOSED.exec(value);
      if (enclosed?.[1] !== undefined) compile(enclosed[1], value.indexOf('${') + 2, path, variables);
      else if (value.trim() !== '') compile(value, 0, path, variables);
    } else walk(value, path, variables);
  };

  /** Any value: strings written as `${ }` are expressions. */
  const walk = (value: Json | undefined, path: Path, variables: readonly string[], skip: ReadonlySet<string> = NOT_EXPRESSIONS): void => {
    if (typeof value === 'string') {
      const enclosed = ENCLOSED.exec(value);
      if (enclosed?.[1] !== undefined) compile(enclosed[1], value.indexOf('${') + 2, path, variables);
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, [...path, i], variables));
    } else if (isJsonObject(value)) {
      for (const [key, item] of Object.entries(value)) if (!skip.has(key)) walk(item, [...path, key], variables);
    }
  };

  const dataFlow = (owner: JsonObject, path: Path, variables: readonly string[]): void => {
    const input = owner['input'];
    if (isJsonObject(input)) field(input['from'], [...path, 'input', 'from'], variables);
    for (const key of ['output', 'export']) {
      const spec = owner[key];
      if (isJsonObject(spec)) field(spec['as'], [...path, key, 'as'], variables);
    }
  };

  const taskList = (list: Json | undefined, path: Path, variables: readonly string[]): void => {
    if (!Array.isArray(list)) return;
    list.forEach((item, index) => {
      if (!isJsonObject(item)) return;
      for (const [name, task] of Object.entries(item)) if (isJsonObject(task)) checkTask(task, [...path, index, name], variables);
    });
  };

  const checkTask = (task: JsonObject, path: Path, variables: readonly string[]): void => {
    const kind = detectTaskKind(task);
    if (kind === undefined) return;
    if (task['if'] !== undefined) field(task['if'], [...path, 'if'], variables);
    dataFlow(task, path, variables);
    const handled = new Set([...NOT_EXPRESSIONS, 'if', 'input', 'output', 'export']);
    switch (kind) {
      case 'for': {
        const loop = isJsonObject(task['for']) ? task['for'] : {};
        const item = typeof loop['each'] === 'string' ? loop['each'] : 'item';
        const index = typeof loop['at'] === 'string' ? loop['at'] : 'index';
        const inner = [...variables, item, index];
        field(loop['in'], [...path, 'for', 'in'], variables);
        if (task['while'] !== undefined) field(task['while'], [...path, 'while'], inner);
        taskList(task['do'], [...path, 'do'], inner);
        for (const key of ['for', 'while', 'do']) handled.add(key);
        break;
      }
      case 'do':
        taskList(task['do'], [...path, 'do'], variables);
        handled.add('do');
        break;
      case 'fork': {
        const fork = isJsonObject(task['fork']) ? task['fork'] : {};
        taskList(fork['branches'], [...path, 'fork', 'branches'], variables);
        handled.add('fork');
        break;
      }
      case 'switch':
        if (Array.isArray(task['switch'])) {
          task['switch'].forEach((item, i) => {
            if (!isJsonObject(item)) return;
            for (const [caseName, switchCase] of Object.entries(item)) {
              if (isJsonObject(switchCase) && switchCase['when'] !== undefined) field(switchCase['when'], [...path, 'switch', i, caseName, 'when'], variables);
            }
          });
        }
        handled.add('switch');
        break;
      case 'try': {
        taskList(task['try'], [...path, 'try'], variables);
        const caught = isJsonObject(task['catch']) ? task['catch'] : {};
        const inner = [...variables, typeof caught['as'] === 'string' ? caught['as'] : 'error'];
        for (const key of ['when', 'exceptWhen']) if (caught[key] !== undefined) field(caught[key], [...path, 'catch', key], inner);
        if (isJsonObject(caught['retry'])) retryPolicy(caught['retry'], [...path, 'catch', 'retry'], inner);
        walk(caught['errors'], [...path, 'catch', 'errors'], inner);
        taskList(caught['do'], [...path, 'catch', 'do'], inner);
        for (const key of ['try', 'catch']) handled.add(key);
        break;
      }
      case 'listen': {
        const listen = isJsonObject(task['listen']) ? task['listen'] : {};
        const to = isJsonObject(listen['to']) ? listen['to'] : {};
        if (typeof to['until'] === 'string') field(to['until'], [...path, 'listen', 'to', 'until'], variables);
        walk(listen, [...path, 'listen'], variables, new Set([...NOT_EXPRESSIONS, 'until']));
        walk(task['foreach'], [...path, 'foreach'], variables);
        for (const key of ['listen', 'foreach']) handled.add(key);
        break;
      }
      default:
        break;
    }
    walk(task, path, variables, handled);
  };

  const retryPolicy = (policy: JsonObject, path: Path, variables: readonly string[]): void => {
    for (const key of ['when', 'exceptWhen']) if (policy[key] !== undefined) field(policy[key], [...path, key], variables);
    walk(policy, path, variables, new Set([...NOT_EXPRESSIONS, 'when', 'exceptWhen']));
  };

  dataFlow(document, [], BASE_VARIABLES);
  walk(document['timeout'], ['timeout'], BASE_VARIABLES);
  taskList(document['do'], ['do'], BASE_VARIABLES);
  const use = isJsonObject(document['use']) ? document['use'] : {};
  if (isJsonObject(use['functions'])) {
    for (const [name, task] of Object.entries(use['functions'])) if (isJsonObject(task)) checkTask(task, ['use', 'functions', name], BASE_VARIABLES);
  }
  if (isJsonObject(use['retries'])) {
    for (const [name, policy] of Object.entries(use['retries'])) if (isJsonObject(policy)) retryPolicy(policy, ['use', 'retries', name], [...BASE_VARIABLES, 'error']);
  }
  for (const section of ['errors', 'authentications', 'timeouts']) walk(use[section], ['use', section], BASE_VARIABLES);
  return issues;
}
