import { readFile } from 'node:fs/promises';
import type { ExpressionEngine } from '../jq/engine.ts';
import { dslLine } from '../core/dsl-version.ts';
import { isJsonObject, type Json, type JsonObject } from '../core/json.ts';
import type { WorkflowDocument } from '../core/model.ts';
import { checkExpressions } from './expression-checks.ts';
import { ISSUE } from './issue-codes.ts';
import { toPointer, type RawIssue, type ValidationIssue } from './issue.ts';
import { DEFAULT_PARSE_LIMITS, parseSource, type ParseLimits, type ParsedSource } from './parse-source.ts';
import { checkPortability } from './portability.ts';
import { validateAgainstSchema } from './schema.ts';
import { checkSemantics } from './semantic-checks.ts';

export type { ValidationIssue } from './issue.ts';
export { ISSUE, type IssueCode } from './issue-codes.ts';

export interface LoadWorkflowOptions {
  /** The engine that will evaluate the document's expressions: each one is compiled with it. */
  engine: ExpressionEngine;
  limits?: Partial<ParseLimits>;
  /** Refuse a document that loads only with warnings (`cairn validate --strict`): its warnings become the errors. */
  strict?: boolean;
  /** Receives each warning of a document that loads (portability, DSL pre-release, post-1.0.3 constructs). */
  onWarning?: (warning: ValidationIssue) => void;
}

/** A document that failed to load: every issue found, located by file:line:col, in document order. */
export class WorkflowLoadError extends Error {
  readonly code = 'CAIRN_ERR_INVALID_WORKFLOW';
  readonly issues: readonly ValidationIssue[];

  constructor(issues: readonly ValidationIssue[]) {
    const first = issues[0];
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    super(first ? `${formatIssue(first)}${more}` : 'invalid workflow document');
    this.name = 'WorkflowLoadError';
    this.issues = issues;
  }

  /** One `file:line:col: message` line per issue. */
  format(): string {
    return this.issues.map(formatIssue).join('\n');
  }
}

export function formatIssue(issue: ValidationIssue): string {
  return `${issue.file}:${issue.line}:${issue.column}: ${issue.message}`;
}

/**
 * Parses and validates a workflow (YAML or JSON text): syntax and resource limits, the official
 * schema, then Cairn's semantic checks and a compile of every runtime expression. Returns plain
 * JSON data; throws `WorkflowLoadError` listing every problem.
 */
export function loadWorkflow(text: string, fileName: string, options: LoadWorkflowOptions): WorkflowDocument {
  const parsed = parseSource(text, { ...DEFAULT_PARSE_LIMITS, ...options.limits });
  if (!parsed.ok) throw new WorkflowLoadError(locate(parsed.issues, fileName, undefined));
  const { source } = parsed;
  const document = source.value;
  const maxTasks = options.limits?.maxTasks;
  if (maxTasks !== undefined && countTasks(document, maxTasks) > maxTasks) {
    throw new WorkflowLoadError(locate([{ code: ISSUE.tooLarge, path: [], message: `the document declares more than ${maxTasks} tasks (the limit)` }], fileName, source));
  }
  const { issues: schemaIssues, warnings } = checkSchema(document);
  if (schemaIssues.length > 0 || !isJsonObject(document)) throw new WorkflowLoadError(locate(schemaIssues, fileName, source));
  const issues = [...checkSemantics(document), ...checkExpressions(document, options.engine)];
  if (issues.length > 0) throw new WorkflowLoadError(locate(issues, fileName, source));
  const line = dslLine(header(document)['dsl']) ?? 'release';
  if (line === 'alpha') {
    warnings.unshift({ code: ISSUE.preRelease, path: ['document', 'dsl'], message: `document.dsl ${String(header(document)['dsl'])} is a pre-release: Cairn runs it as DSL 1.0` });
  }
  warnings.push(...checkPortability(document, line));
  const located = locate(warnings, fileName, source);
  if (options.strict && located.length > 0) throw new WorkflowLoadError(located);
  for (const warning of located) options.onWarning?.(warning);
  return document as unknown as WorkflowDocument;
}

const TASK_LIST_KEYS = new Set(['do', 'try', 'branches']);

/**
 * Task entries of every task list (`do`, `try`, fork `branches`) at any depth, counted before the
 * (much slower) schema and semantic checks; stops once past `stopAbove`.
 */
function countTasks(value: Json, stopAbove: number): number {
  let count = 0;
  const pending: Json[] = [value];
  while (pending.length > 0 && count <= stopAbove) {
    const node = pending.pop()!;
    if (Array.isArray(node)) {
      for (const item of node) pending.push(item);
    } else if (isJsonObject(node)) {
      for (const [key, child] of Object.entries(node)) {
        if (TASK_LIST_KEYS.has(key) && Array.isArray(child)) count += child.length;
        if (typeof child === 'object' && child !== null) pending.push(child);
      }
    }
  }
  return count;
}

/**
 * Validates against the schema the document's DSL line follows. A 1.0.x (or alpha) document that
 * fails the v1.0.3 schema but passes the main branch's loads with a warning per construct: only the
 * specification after 1.0.3 defines it. An alpha document's schema errors say they are not expressible in 1.0.
 */
function checkSchema(document: Json): { issues: RawIssue[]; warnings: RawIssue[] } {
  const line = isJsonObject(document) ? dslLine(header(document)['dsl']) : undefined;
  if (line === 'main') return { issues: validateAgainstSchema(document, 'main'), warnings: [] };
  const issues = validateAgainstSchema(document, 'release');
  if (issues.length === 0) return { issues, warnings: [] };
  if (validateAgainstSchema(document, 'main').length === 0) {
    const warnings = issues.map((issue) => ({
      ...issue,
      code: ISSUE.postRelease,
      message: `${issue.message} in DSL 1.0.3: only the specification after 1.0.3 defines this, so other 1.0.x runtimes refuse it (declare document.dsl above 1.0.3 to opt in)`,
    }));
    return { issues: [], warnings };
  }
  if (line === 'alpha') return { issues: issues.map((issue) => ({ ...issue, message: `not expressible in DSL 1.0: ${issue.message}` })), warnings: [] };
  return { issues, warnings: [] };
}

function header(document: JsonObject): JsonObject {
  return isJsonObject(document['document']) ? document['document'] : {};
}

/** Reads and loads a workflow file; an unreadable file is a `WorkflowLoadError` too. */
export async function loadWorkflowFile(path: string, options: LoadWorkflowOptions): Promise<WorkflowDocument> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : 'read failed';
    throw new WorkflowLoadError([{ file: path, line: 1, column: 1, path: '', code: ISSUE.unreadable, message: `cannot read the file (${reason})` }]);
  }
  return loadWorkflow(text, path, options);
}

export function formatWarning(issue: ValidationIssue): string {
  return `${issue.file}:${issue.line}:${issue.column}: warning: ${issue.message}`;
}

function locate(raw: readonly RawIssue[], file: string, source: ParsedSource | undefined): ValidationIssue[] {
  const issues = raw.map((issue) => {
    const position = issue.position ?? expressionPosition(issue, source) ?? source?.locate(issue.path, issue.atKey) ?? { line: 1, column: 1 };
    return { file, line: position.line, column: position.column, path: toPointer(issue.path), message: issue.message, code: issue.code };
  });
  return issues.sort((a, b) => a.line - b.line || a.column - b.column);
}

function expressionPosition(issue: RawIssue, source: ParsedSource | undefined): { line: number; column: number } | undefined {
  if (issue.expressionOffset === undefined || !source) return undefined;
  return source.positionInScalar(issue.path, issue.expressionOffset);
}
