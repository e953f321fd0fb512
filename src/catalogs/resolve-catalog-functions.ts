import { dirname } from 'node:path';
import type { ExpressionEngine } from '../jq/engine.ts';
import { isJsonObject, type Json, type JsonObject } from '../core/json.ts';
import type { TaskDefinition, WorkflowDocument } from '../core/model.ts';
import { checkExpressions } from '../loader/expression-checks.ts';
import { ISSUE } from '../loader/issue-codes.ts';
import { toPointer, type JsonPath, type RawIssue, type ValidationIssue } from '../loader/issue.ts';
import { WorkflowLoadError } from '../loader/load-workflow.ts';
import { parseSource, type ParsedSource } from '../loader/parse-source.ts';
import { validateAgainstSchema } from '../loader/schema.ts';
import { FUNCTION_URL, functionDocumentUrl, functionUrlDocument, parseCatalogFunction, type CatalogFunctionReference } from './catalog-location.ts';
import { fetchFunctionDocument, type DocumentCredentials } from './fetch-function-document.ts';
import { catalogCalls } from './catalog-calls.ts';

export interface ResolveCatalogOptions {
  /** The workflow's file (for messages, and as the base of relative catalog folders). */
  fileName: string;
  /** Folder or URL of the runtime's `default` catalog, used when the document declares no catalog named `default`. */
  defaultCatalog?: string;
  /** When given, every function's expressions are compiled with it, like the workflow's own. */
  engine?: ExpressionEngine;
  endpointRewrites?: Record<string, string>;
  /** Per function document. */
  timeoutMs?: number;
  /** A catalog function may call other catalog functions; this bounds how many one workflow loads. */
  maxFunctions?: number;
}

const MAX_DOCUMENT_CHARS = 1024 * 1024;

/**
 * Loads every catalog function (`name:version@catalog`, or by the URL of its function document) the workflow calls, directly or through
 * other functions, and returns a copy of the document whose `use.functions` also holds them under
 * that same name: the interpreter then receives them as data (on Temporal, in the workflow input,
 * so replays never fetch). Throws `WorkflowLoadError` naming the call or the function document.
 */
export async function resolveCatalogFunctions(document: WorkflowDocument, options: ResolveCatalogOptions): Promise<WorkflowDocument> {
  const resolved: Record<string, TaskDefinition> = {};
  const declared = document.use?.functions ?? {};
  const pending = catalogCalls(document as unknown as JsonObject).filter(({ call }) => !Object.hasOwn(declared, call));
  const limit = options.maxFunctions ?? 100;
  while (pending.length > 0) {
    const { call, path } = pending.shift()!;
    if (Object.hasOwn(resolved, call)) continue;
    if (Object.keys(resolved).length >= limit) throw issueAt(options.fileName, path, ISSUE.tooLarge, `the workflow uses more than ${limit} catalog functions`);
    // A URL such as https://github.com/o/r/name@version also fits name:version@catalog: URLs first.
    const reference = FUNCTION_URL.test(call) ? undefined : parseCatalogFunction(call);
    const definition = reference ? await loadFunction(document, reference, path, options) : await fetchFunction(call, functionUrlDocument(call), path, undefined, options);
    resolved[call] = definition;
    for (const nested of catalogCalls({ use: { functions: { [call]: definition as unknown as Json } } })) {
      if (!Object.hasOwn(declared, nested.call) && !Object.hasOwn(resolved, nested.call)) pending.push({ call: nested.call, path });
    }
  }
  if (Object.keys(resolved).length === 0) return document;
  return { ...document, use: { ...document.use, functions: { ...declared, ...resolved } } };
}

async function loadFunction(
  document: WorkflowDocument,
  reference: CatalogFunctionReference,
  callPath: JsonPath,
  options: ResolveCatalogOptions,
): Promise<TaskDefinition> {
  const label = `${reference.name}:${reference.version}@${reference.catalog}`;
  const catalog = document.use?.catalogs?.[reference.catalog];
  let root: string;
  let credentials: DocumentCredentials | undefined;
  if (catalog !== undefined) {
    const endpoint = catalog.endpoint;
    const uri = isJsonObject(endpoint) ? endpoint.uri : endpoint;
    if (typeof uri !== 'string') throw issueAt(options.fileName, ['use', 'catalogs', reference.catalog], ISSUE.schema, `catalog '${reference.catalog}' needs an endpoint URI`);
    root = uri;
    credentials = isJsonObject(endpoint) ? catalogCredentials(document, endpoint.authentication, reference.catalog, options.fileName) : undefined;
  } else if (reference.catalog === 'default' && options.defaultCatalog !== undefined) {
    root = options.defaultCatalog;
  } else {
    throw issueAt(options.fileName, callPath, ISSUE.unknownReference, `call '${label}' names catalog '${reference.catalog}', which use.catalogs does not declare`);
  }

  return fetchFunction(label, functionDocumentUrl(root, reference, dirname(options.fileName)), callPath, credentials, options);
}

/** Fetches a function document with the bounded fetch every catalog uses, and validates it as a task. */
async function fetchFunction(
  label: string,
  url: URL,
  callPath: JsonPath,
  credentials: DocumentCredentials | undefined,
  options: ResolveCatalogOptions,
): Promise<TaskDefinition> {
  let text: string;
  try {
    text = await fetchFunctionDocument(url, {
      timeoutMs: options.timeoutMs ?? 30_000,
      maxBytes: MAX_DOCUMENT_CHARS,
      ...(credentials ? { credentials } : {}),
      ...(options.endpointRewrites ? { endpointRewrites: options.endpointRewrites } : {}),
    });
  } catch (error) {
    throw issueAt(options.fileName, callPath, ISSUE.unreadable, `cannot read catalog function '${label}' from ${url.href} (${(error as Error).message})`);
  }
  return parseFunction(text, url.href, options.engine);
}

/** Parses and validates a function document as a task of the official schema. */
function parseFunction(text: string, file: string, engine: ExpressionEngine | undefined): TaskDefinition {
  const parsed = parseSource(text, { maxLength: MAX_DOCUMENT_CHARS, maxDepth: 200, maxAliasCount: 100 });
  if (!parsed.ok) throw new WorkflowLoadError(locate(parsed.issues, file, undefined, []));
  const { source } = parsed;
  const prefix = ['use', 'functions', 'function'];
  const wrapper: JsonObject = {
    document: { dsl: '1.0.3', namespace: 'catalog', name: 'function', version: '0.0.0' },
    use: { functions: { function: source.value } },
    do: [{ noop: { set: { noop: true } } }],
  };
  const issues = [...validateAgainstSchema(wrapper), ...(engine ? checkExpressions(wrapper, engine) : [])];
  if (issues.length > 0) throw new WorkflowLoadError(locate(issues, file, source, prefix));
  return source.value as unknown as TaskDefinition;
}

function catalogCredentials(document: WorkflowDocument, authentication: Json | undefined, catalog: string, fileName: string): DocumentCredentials | undefined {
  if (authentication === undefined || authentication === null) return undefined;
  let policy: Json = authentication;
  if (isJsonObject(policy) && typeof policy.use === 'string') policy = document.use?.authentications?.[policy.use] ?? null;
  const path = ['use', 'catalogs', catalog, 'endpoint', 'authentication'];
  const literal = (value: Json | undefined): string => {
    if (typeof value !== 'string' || value.includes('${')) {
      throw issueAt(fileName, path, ISSUE.schema, `catalog '${catalog}' authentication must use literal basic or bearer credentials (it is read before the run, without expressions)`);
    }
    return value;
  };
  if (isJsonObject(policy) && isJsonObject(policy.basic)) return { basic: { username: literal(policy.basic.username), password: literal(policy.basic.password) } };
  if (isJsonObject(policy) && isJsonObject(policy.bearer)) return { bearer: { token: literal(policy.bearer.token) } };
  throw issueAt(fileName, path, ISSUE.schema, `catalog '${catalog}' authentication must be basic or bearer`);
}

function issueAt(file: string, path: JsonPath, code: ValidationIssue['code'], message: string): WorkflowLoadError {
  return new WorkflowLoadError([{ file, line: 1, column: 1, path: toPointer(path), code, message }]);
}

/** Issues found in the wrapper, located in the function's own file (paths relative to the function). */
function locate(raw: readonly RawIssue[], file: string, source: ParsedSource | undefined, prefix: readonly string[]): ValidationIssue[] {
  return raw.map((issue) => {
    const inside = issue.path.slice(0, prefix.length).every((segment, index) => segment === prefix[index]);
    const path = inside ? issue.path.slice(prefix.length) : issue.path;
    const position = issue.position ?? source?.locate(path, issue.atKey) ?? { line: 1, column: 1 };
    const message = inside ? issue.message.replaceAll(toPointer(prefix), '') || issue.message : issue.message;
    return { file, line: position.line, column: position.column, path: toPointer(path), message, code: issue.code };
  });
}
