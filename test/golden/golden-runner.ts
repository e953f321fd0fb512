import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { ExpressionEngine } from '../../src/jq/engine.ts';
import type { ProgressEvent } from '../../src/core/events.ts';
import type { Json, JsonObject } from '../../src/core/json.ts';
import type { WorkflowDocument } from '../../src/core/model.ts';
import { resolveCatalogFunctions } from '../../src/catalogs/resolve-catalog-functions.ts';
import { loadWorkflowFile } from '../../src/loader/load-workflow.ts';
import { createDirectoryRegistry, createWorkflowRegistry, type WorkflowRegistry } from '../../src/effects/run/workflow-registry.ts';
import { runOnHost, type ExecutionResult, type HostName, type RunOnHostOptions } from '../../src/hosts/index.ts';

/** The directory holding one sub-directory per golden workflow. */
export const GOLDEN_ROOT = dirname(fileURLToPath(import.meta.url));

/** A host by name, or any function with `runOnHost`'s shape (e.g. a Temporal runner under test). */
export type GoldenHost = HostName | ((document: WorkflowDocument, input: Json, options: RunOnHostOptions) => Promise<ExecutionResult>);

/** One expected lifecycle event: `type` is short (`task.cancelled`, `cairn.task.skipped`). */
export interface ExpectedEvent {
  type: string;
  subject?: string;
  attempt?: number;
  iteration?: string;
}

/** `expected.yaml`: what a golden asserts. Only the fields present are compared. */
export interface GoldenExpectation {
  status: 'completed' | 'faulted' | 'cancelled';
  output?: Json;
  /** The error fields asserted (type, status, instance, title…); fields not listed are ignored. */
  error?: JsonObject;
  /** Pointers of the task instances that completed, in completion order. */
  tasks?: string[];
  /**
   * Lifecycle events compared exactly, in order, after filtering the run's events to the types
   * named here (or in `eventTypes`) and to subjects under `eventsUnder`. Each event is projected on
   * the attributes the list uses, so an entry without `attempt` asserts the event has none.
   */
  events?: ExpectedEvent[];
  eventTypes?: string[];
  eventsUnder?: string;
}

/** `run.yaml`: how to drive a golden beyond its input and secrets. */
export interface GoldenRunSettings {
  /** Cancels the execution from outside after this many milliseconds (for `status: cancelled`). */
  cancelAfterMs?: number;
  /** Lets `run` tasks start processes (off by default, as in the service). */
  allowProcesses?: boolean;
}

/** What the run produced, projected on the expectation so one deep-equal compares them. */
export interface GoldenReport {
  name: string;
  expected: GoldenExpectation;
  actual: GoldenExpectation;
  result: ExecutionResult;
}

export interface GoldenRunOptions {
  engine: ExpressionEngine;
  endpointRewrites: Record<string, string>;
  /** A run still going after this long is cancelled (and so fails its golden). */
  runTimeoutMs?: number;
  /**
   * Defaults to `golden-<name>-<random>`: unique per run, so stateful fixtures (the flaky endpoint
   * keyed by `$workflow.id`) start afresh when several hosts run the same goldens.
   */
  executionId?: string;
}

/** Every golden directory under the root, sorted by name. */
export function listGoldens(root = GOLDEN_ROOT): string[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, entry.name, 'workflow.yaml')))
    .map((entry) => join(root, entry.name))
    .sort();
}

/** A golden's optional folder of sub-workflows: the registry `run: workflow` tasks look in. */
export const WORKFLOWS_FOLDER = 'workflows';

/**
 * The sub-workflows of every golden in one registry, for a worker shared by all goldens (a Temporal
 * worker's registry is its own, not the run's). Each golden names its sub-workflows under its own
 * namespace, so they never collide; a duplicate fails here rather than picking one silently.
 */
export async function goldenWorkflowRegistry(engine: ExpressionEngine, root = GOLDEN_ROOT): Promise<WorkflowRegistry> {
  const files = listGoldens(root)
    .map((dir) => join(dir, WORKFLOWS_FOLDER))
    .filter((folder) => existsSync(folder))
    .flatMap((folder) => readdirSync(folder).filter((file) => /\.(ya?ml|json)$/i.test(file)).map((file) => join(folder, file)));
  const documents = await Promise.all(files.map((path) => loadWorkflowFile(path, { engine })));
  const seen = new Map<string, string>();
  documents.forEach(({ document: { namespace, name, version } }, index) => {
    const key = `${namespace}/${name}:${version}`;
    if (seen.has(key)) throw new Error(`golden sub-workflow ${key} is defined twice: ${seen.get(key)} and ${files[index]}`);
    seen.set(key, files[index]!);
  });
  return createWorkflowRegistry(documents);
}

/** Loads the golden in `dir` with the loader, runs it on `host` and projects the result for comparison. */
export async function runGolden(host: GoldenHost, dir: string, options: GoldenRunOptions): Promise<GoldenReport> {
  const name = basename(dir);
  // As `cairn run` loads it: catalog functions resolved into use.functions (fetched through the rewrites).
  const file = join(dir, 'workflow.yaml');
  const loaded = await loadWorkflowFile(file, { engine: options.engine });
  const document = await resolveCatalogFunctions(loaded, { fileName: file, engine: options.engine, endpointRewrites: options.endpointRewrites });
  const input = (readOptionalYaml(join(dir, 'input.yaml')) ?? {}) as Json;
  const secrets = readOptionalYaml(join(dir, 'secrets.yaml')) as JsonObject | undefined;
  const expected = readOptionalYaml(join(dir, 'expected.yaml')) as GoldenExpectation | undefined;
  if (!expected) throw new Error(`golden ${name} has no expected.yaml`);
  const settings = (readOptionalYaml(join(dir, 'run.yaml')) ?? {}) as GoldenRunSettings;
  const deadline = AbortSignal.timeout(options.runTimeoutMs ?? 10_000);
  const signal = settings.cancelAfterMs === undefined ? deadline : AbortSignal.any([deadline, AbortSignal.timeout(settings.cancelAfterMs)]);

  const run = typeof host === 'string' ? (d: WorkflowDocument, i: Json, o: RunOnHostOptions) => runOnHost(host, d, i, o) : host;
  const result = await run(document, input, {
    engine: options.engine,
    endpointRewrites: options.endpointRewrites,
    executionId: options.executionId ?? `golden-${name}-${randomUUID().slice(0, 8)}`,
    signal,
    ...(settings.allowProcesses ? { allowProcesses: true } : {}),
    ...(secrets ? { secrets } : {}),
    ...(existsSync(join(dir, WORKFLOWS_FOLDER)) ? { workflows: createDirectoryRegistry(join(dir, WORKFLOWS_FOLDER), (path) => loadWorkflowFile(path, { engine: options.engine })) } : {}),
  });
  return { name, expected, actual: project(result, expected), result };
}

function project(result: ExecutionResult, expected: GoldenExpectation): GoldenExpectation {
  const actual: GoldenExpectation = { status: result.status };
  if ('output' in expected) actual.output = result.output;
  if (expected.error) {
    const error: JsonObject = {};
    for (const key of Object.keys(expected.error)) {
      const value = result.error?.[key];
      if (value !== undefined) error[key] = value;
    }
    actual.error = error;
  }
  if (expected.tasks) {
    actual.tasks = result.events.filter((event) => shortType(event.type) === 'task.completed').map((event) => event.subject ?? '');
  }
  if (expected.events) {
    actual.events = projectEvents(result.events, expected);
    if (expected.eventTypes) actual.eventTypes = expected.eventTypes;
    if (expected.eventsUnder !== undefined) actual.eventsUnder = expected.eventsUnder;
  }
  return actual;
}

function projectEvents(events: readonly ProgressEvent[], expected: GoldenExpectation): ExpectedEvent[] {
  const list = expected.events ?? [];
  const types = new Set(expected.eventTypes ?? list.map((event) => event.type));
  const keys = new Set(list.flatMap((event) => Object.keys(event)));
  const under = expected.eventsUnder;
  return events
    .filter((event) => types.has(shortType(event.type)))
    .filter((event) => under === undefined || event.subject === under || (event.subject ?? '').startsWith(`${under}/`))
    .map((event) => {
      const projected: ExpectedEvent = { type: shortType(event.type) };
      if (keys.has('subject') && event.subject !== undefined) projected.subject = event.subject;
      if (keys.has('attempt') && event.attempt !== undefined) projected.attempt = event.attempt;
      if (keys.has('iteration') && event.iteration !== undefined) projected.iteration = event.iteration;
      return projected;
    });
}

/** `io.serverlessworkflow.task.cancelled.v1` → `task.cancelled`; `io.cairn.task.skipped.v1` → `cairn.task.skipped`. */
export function shortType(type: string): string {
  return type.replace(/^io\.serverlessworkflow\./, '').replace(/^io\./, '').replace(/\.v\d+$/, '');
}

function readOptionalYaml(path: string): unknown {
  return existsSync(path) ? parseYaml(readFileSync(path, 'utf8')) : undefined;
}
