import type { DslLine } from '../core/dsl-version.ts';
import { enclosedProgram } from '../core/expr/runtime-expression.ts';
import { isJsonObject, type Json, type JsonObject } from '../core/json.ts';
import { ISSUE } from './issue-codes.ts';
import type { JsonPath, RawIssue } from './issue.ts';
import { walkTasks } from './walk-tasks.ts';

/** Keys whose values are never runtime expressions. */
const NOT_EXPRESSIONS = new Set(['metadata', 'schema', 'document']);

/**
 * Warnings for constructs runtimes read differently (each decision is in docs/semantics.md), and,
 * for a `1.0.0-alpha*` document, for each construct whose meaning changed in 1.0.0.
 */
export function checkPortability(document: JsonObject, line: DslLine): RawIssue[] {
  const issues: RawIssue[] = [];
  const warn = (path: JsonPath, message: string): void => {
    issues.push({ code: ISSUE.portability, path, message });
  };
  walkTasks(document, (task, kind, path) => {
    if (kind === 'try' && isJsonObject(task['catch'])) {
      const caught = task['catch'];
      const errorName = typeof caught['as'] === 'string' ? caught['as'] : 'error';
      for (const key of ['when', 'exceptWhen']) {
        const condition = caught[key];
        if (typeof condition === 'string' && readsInput(condition, errorName)) {
          warn([...path, 'catch', key], `catch.${key} reads '.', which Cairn binds to the task input (other runtimes bind it to the caught error); read the error through $${errorName} to be portable`);
        }
      }
      if (caught['retry'] !== undefined) {
        warn([...path, 'catch', 'retry'], 'when this retry policy is exhausted Cairn handles the error (runs catch.do and completes the try); other runtimes raise it again');
      }
    }
    if (kind === 'run' && isJsonObject(task['run']) && task['run']['return'] === 'stderr') {
      warn([...path, 'run', 'return'], 'with return: stderr, Cairn faults when the process exits non-zero; other runtimes return its stderr');
    }
    if (line === 'alpha') {
      if (kind === 'listen' && isJsonObject(task['listen']) && task['listen']['read'] === undefined) {
        issues.push({ code: ISSUE.preRelease, path: [...path, 'listen'], message: 'listen: DSL 1.0.0 added listen.read, which defaults to data: this task outputs the events\u2019 data, not whole events' });
      }
      if (kind === 'run' && isJsonObject(task['run']) && task['run']['return'] === undefined) {
        issues.push({ code: ISSUE.preRelease, path: [...path, 'run'], message: 'run: DSL 1.0.0 added run.return, which defaults to stdout: this task outputs the process\u2019s standard output' });
      }
    }
  });
  findExpressions(document, [], (program, path) => {
    if (yieldsSeveral(program)) {
      warn(path, `'${program}' may produce several results: Cairn keeps the first, other runtimes collect them into an array; wrap it in [ ] or first( ) to be portable`);
    }
  });
  return issues;
}

function findExpressions(value: Json | undefined, path: JsonPath, found: (program: string, path: JsonPath) => void): void {
  if (typeof value === 'string') {
    const program = enclosedProgram(value);
    if (program !== undefined) found(program, path);
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => findExpressions(item, [...path, index], found));
  } else if (isJsonObject(value)) {
    for (const [key, item] of Object.entries(value)) if (!NOT_EXPRESSIONS.has(key)) findExpressions(item, [...path, key], found);
  }
}

/** True when a catch condition reads `.` (anything but `$name…` paths) rather than only the caught error. */
function readsInput(condition: string, errorName: string): boolean {
  const program = (enclosedProgram(condition) ?? condition).replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const withoutVariables = program.replace(/\$[A-Za-z_][A-Za-z0-9_]*(?:\s*(?:\.[A-Za-z_][A-Za-z0-9_]*|\[[^\]]*\]|\.?"[^"]*"))*/g, '$v');
  return errorName !== '' && /(^|[^A-Za-z0-9_$])\.(?![0-9])/.test(withoutVariables);
}

/**
 * A cheap syntactic test for programs that are generators at their top level: a comma or an
 * iteration (`[]`) outside any brackets, parentheses or braces, and outside strings.
 */
export function yieldsSeveral(program: string): boolean {
  if (/\b(reduce|foreach)\b/.test(program)) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < program.length; i += 1) {
    const char = program[i]!;
    if (inString) {
      if (char === '\\') i += 1;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') inString = true;
    else if (char === '[' && program[i + 1] === ']' && depth === 0) return true;
    else if (char === '(' || char === '[' || char === '{') depth += 1;
    else if (char === ')' || char === ']' || char === '}') depth -= 1;
    else if (char === ',' && depth === 0) return true;
  }
  return false;
}
