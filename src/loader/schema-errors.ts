import type { ErrorObject } from 'ajv/dist/2020.js';
import { isJsonObject, type JsonObject } from '../core/json.ts';
import { ISSUE } from './issue-codes.ts';
import type { RawIssue } from './issue.ts';

interface Candidate {
  path: string[];
  keyword: string;
  message: string;
  atKey: boolean;
  schemaPath: string;
}

interface Summary {
  path: string[];
  schemaPath: string;
  branches: unknown[];
  friendly: string | undefined;
}

/**
 * Turns ajv's raw errors (every failing branch of every oneOf) into the few messages a person can act
 * on: for each failed oneOf/anyOf only the branch that got furthest is kept, alternatives that failed
 * on type are merged, and a few well-known definitions get a message of their own.
 */
export function reduceSchemaErrors(errors: readonly ErrorObject[], base: ReadonlyArray<string | number>, schema: JsonObject): RawIssue[] {
  const friendly = friendlyMessages(schema);
  const summaries: Summary[] = [];
  let candidates: Candidate[] = [];
  for (const error of errors) {
    const path = [...base.map(String), ...parsePointer(error.instancePath)];
    if (error.keyword === 'oneOf' || error.keyword === 'anyOf') {
      const branches = Array.isArray(error.schema) ? (error.schema as unknown[]) : [];
      summaries.push({ path, schemaPath: error.schemaPath, branches, friendly: friendly.get(JSON.stringify(error.parentSchema)) });
    } else {
      candidates.push(toCandidate(error, path));
    }
  }
  summaries.sort((a, b) => b.path.length - a.path.length);
  for (const summary of summaries) candidates = pickBranch(candidates, summary);
  const seen = new Set<string>();
  const issues: RawIssue[] = [];
  for (const candidate of candidates) {
    const key = `${candidate.path.join('/')}\u0000${candidate.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    // A missing property is best shown at the key of the mapping that lacks it.
    const atKey = candidate.atKey || candidate.keyword === 'required';
    issues.push({ code: ISSUE.schema, path: candidate.path, message: candidate.message, atKey });
  }
  return issues;
}

/** Keeps the errors of the one branch of a failed oneOf/anyOf that matched best. */
function pickBranch(candidates: Candidate[], summary: Summary): Candidate[] {
  const at = summary.path;
  const under = (c: Candidate): boolean => isAtOrBelow(c.path, at);
  const inside = candidates.filter(under);
  if (summary.friendly && inside.length > 0 && inside.every((c) => samePath(c.path, at) && !c.atKey)) {
    const message = `${pointer(at)} ${summary.friendly}`;
    return [...candidates.filter((c) => !under(c)), { path: at, keyword: 'friendly', message, atKey: false, schemaPath: summary.schemaPath }];
  }
  const branchOf = new Map<Candidate, number>();
  const prefix = `${summary.schemaPath}/`;
  const refBranches = summary.branches.flatMap((branch, i) => (isJsonObject(branch as never) && '$ref' in (branch as object) ? [i] : []));
  for (const c of candidates) {
    if (!under(c)) continue;
    if (c.schemaPath.startsWith(prefix)) branchOf.set(c, Number(c.schemaPath.slice(prefix.length).split('/')[0]));
    // Errors inside a $ref'd branch carry the referenced definition's schema path.
    else if (refBranches.length === 1 && !(c.atKey && samePath(c.path.slice(0, -1), at))) branchOf.set(c, refBranches[0] ?? 0);
  }
  const byBranch = new Map<number, Candidate[]>();
  for (const [c, i] of branchOf) byBranch.set(i, [...(byBranch.get(i) ?? []), c]);
  const plausible = [...byBranch.entries()].filter(([, errs]) => !errs.some((c) => c.keyword === 'type' && samePath(c.path, at)));
  // Properties stay "unevaluated" when no branch passes: a consequence, not a second problem.
  const rest = candidates.filter((c) => !branchOf.has(c) && !(c.keyword === 'unevaluatedProperties' && samePath(c.path.slice(0, -1), at)));
  if (plausible.length === 0) {
    const types = [...new Set([...branchOf.keys()].filter((c) => c.keyword === 'type').map((c) => c.message.replace(/^.* must be /, '')))];
    if (types.length === 0) return candidates;
    const message = summary.friendly ? `${pointer(at)} ${summary.friendly}` : `${pointer(at)} must be ${types.join(' or ')}`;
    return [...rest, { path: at, keyword: 'type', message, atKey: false, schemaPath: summary.schemaPath }];
  }
  const depth = (errs: Candidate[]): number => Math.max(...errs.map((c) => c.path.length + (c.atKey ? 0 : 0.5)));
  plausible.sort(([, a], [, b]) => depth(b) - depth(a) || a.length - b.length);
  return [...rest, ...(plausible[0]?.[1] ?? [])];
}

function toCandidate(error: ErrorObject, path: string[]): Candidate {
  const params = error.params as Record<string, unknown>;
  const where = pointer(path);
  switch (error.keyword) {
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const property = String(params['additionalProperty'] ?? params['unevaluatedProperty']);
      return { path: [...path, property], keyword: error.keyword, message: `${where} has an unknown property '${property}'`, atKey: true, schemaPath: error.schemaPath };
    }
    case 'required':
      return { path, keyword: error.keyword, message: `${where} is missing the required property '${String(params['missingProperty'])}'`, atKey: false, schemaPath: error.schemaPath };
    case 'type':
      return { path, keyword: error.keyword, message: `${where} must be ${article(String(params['type']))}`, atKey: false, schemaPath: error.schemaPath };
    case 'enum':
      return { path, keyword: error.keyword, message: `${where} must be one of ${(params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`, atKey: false, schemaPath: error.schemaPath };
    case 'const':
      return { path, keyword: error.keyword, message: `${where} must be ${JSON.stringify(params['allowedValue'])}`, atKey: false, schemaPath: error.schemaPath };
    case 'pattern': {
      const title = isJsonObject(error.parentSchema as never) ? (error.parentSchema as JsonObject)['title'] : undefined;
      const what = typeof title === 'string' ? ` (${title})` : '';
      return { path, keyword: error.keyword, message: `${where} does not match the expected format${what}: ${String(params['pattern'])}`, atKey: false, schemaPath: error.schemaPath };
    }
    default:
      return { path, keyword: error.keyword, message: `${where} ${error.message ?? 'is invalid'}`, atKey: false, schemaPath: error.schemaPath };
  }
}

/**
 * Definitions whose oneOf/anyOf failures read better as one sentence, keyed by their JSON text
 * (precompiled validators report copies of the schema's objects, not the objects themselves).
 */
function friendlyMessages(schema: JsonObject): Map<string, string> {
  const defs = (schema['$defs'] ?? {}) as JsonObject;
  const messages = new Map<string, string>();
  const add = (name: string, message: string): void => {
    const def = defs[name];
    if (isJsonObject(def)) messages.set(JSON.stringify(def), message);
  };
  add('duration', 'must be a duration: an ISO 8601 string such as PT30S, an object of days/hours/minutes/seconds/milliseconds, or a ${ } expression');
  add('flowDirective', "must be 'continue', 'exit', 'end' or the name of a task");
  add('uriTemplate', 'must be an absolute URI (scheme://...) or a URI template');
  add('endpoint', 'must be a URI, a ${ } expression, or an object with a uri');
  const errorType = get(defs, ['error', 'properties', 'type']);
  if (isJsonObject(errorType)) messages.set(JSON.stringify(errorType), 'must be a URI such as https://serverlessworkflow.io/spec/1.0.0/errors/runtime, or a ${ } expression');
  return messages;
}

function get(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const segment of path) current = isJsonObject(current as never) ? (current as JsonObject)[segment] : undefined;
  return current;
}

function article(type: string): string {
  const words: Record<string, string> = { object: 'a mapping', array: 'a sequence', string: 'a string', integer: 'an integer', number: 'a number', boolean: 'a boolean', null: 'null' };
  return type
    .split(',')
    .map((t) => words[t] ?? t)
    .join(' or ');
}

function parsePointer(text: string): string[] {
  if (text === '') return [];
  return text
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function pointer(path: readonly string[]): string {
  return path.length === 0 ? 'the document' : path.map((s) => `/${s.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

function samePath(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((segment, i) => segment === b[i]);
}

function isAtOrBelow(path: readonly string[], ancestor: readonly string[]): boolean {
  return path.length >= ancestor.length && ancestor.every((segment, i) => segment === path[i]);
}
