import { isDeepStrictEqual } from 'node:util';
import { parse as parseYaml } from 'yaml';
import type { ProblemDetails } from '../../src/core/errors.ts';
import { EVENT_TYPES, type ProgressEvent } from '../../src/core/events.ts';
import { isJsonObject, type Json } from '../../src/core/json.ts';
import type { Scenario, ScenarioStep } from './load-features.ts';

/** What running one workflow produced: the shape `runOnHost` returns. */
export interface RunResult {
  status: 'completed' | 'faulted' | 'cancelled';
  output?: Json;
  error?: ProblemDetails;
  events: ProgressEvent[];
}

/** Runs a workflow definition (YAML or JSON text) with an input. */
export type WorkflowRunner = (definition: string, input: Json, scenario: Scenario) => Promise<RunResult>;

export interface ScenarioOutcome {
  passed: boolean;
  /** Why it failed: the failing step's line and text, then what was wrong. */
  reason?: string;
}

interface ScenarioState {
  scenario: Scenario;
  runner: WorkflowRunner;
  definition?: string;
  input: Json;
  result?: RunResult;
}

class StepFailure extends Error {}

type StepHandler = (state: ScenarioState, match: RegExpMatchArray, docString: string | undefined) => void | Promise<void>;

/** The step definitions of the conformance kit's README, matched against the pickle step text. */
const STEPS: ReadonlyArray<readonly [RegExp, StepHandler]> = [
  [/^a workflow with definition:$/, (state, _match, docString) => {
    state.definition = required(docString, 'a workflow definition docstring');
  }],
  [/^(?:given )?the workflow input is:$/, (state, _match, docString) => {
    state.input = yamlValue(required(docString, 'an input docstring'));
  }],
  [/^the workflow is executed$/, async (state) => {
    if (state.definition === undefined) throw new StepFailure('no workflow definition was given');
    state.result = await state.runner(state.definition, state.input, state.scenario);
  }],
  [/^the workflow should (complete|fault|cancel)$/, (state, match) => {
    expectStatus(state, statusOf(match[1]!));
  }],
  [/^the workflow should complete with output:$/, (state, _match, docString) => {
    const output = expectStatus(state, 'completed').output;
    expectEqual(output, yamlValue(required(docString, 'an expected output docstring')), 'workflow output');
  }],
  [/^the workflow should fault with error:$/, (state, _match, docString) => {
    const error = expectStatus(state, 'faulted').error;
    expectPartialError(error, yamlValue(required(docString, 'an expected error docstring')), 'workflow error');
  }],
  [/^the workflow output should have properties (.+)$/, (state, match) => {
    const output = expectStatus(state, 'completed').output;
    const missing = quotedList(match[1]!).filter((path) => propertyAt(output, path) === undefined);
    if (missing.length > 0) throw new StepFailure(`output lacks ${missing.join(', ')}; output is ${show(output)}`);
  }],
  [/^the workflow output should have a '([^']+)' property with value:$/, (state, match, docString) => {
    const value = propertyAt(expectStatus(state, 'completed').output, match[1]!);
    expectEqual(value, yamlValue(required(docString, 'an expected value docstring')), `output property '${match[1]}'`);
  }],
  [/^the workflow output should have a '([^']+)' property containing (\d+) items?$/, (state, match) => {
    const value = propertyAt(expectStatus(state, 'completed').output, match[1]!);
    const count = Array.isArray(value) ? value.length : isJsonObject(value) ? Object.keys(value).length : undefined;
    if (count !== Number(match[2])) throw new StepFailure(`output property '${match[1]}' is ${show(value)}, expected ${match[2]} items`);
  }],
  [/^(\S+) should run (first|last)$/, (state, match) => {
    const started = startedTasks(state);
    const actual = match[2] === 'first' ? started[0] : started[started.length - 1];
    if (actual !== match[1]) throw new StepFailure(`${actual ?? 'no task'} ran ${match[2]} (start order: ${started.join(', ')})`);
  }],
  [/^(\S+) should run (before|after) (\S+)$/, (state, match) => {
    const started = startedTasks(state);
    const [subject, relation, other] = [match[1]!, match[2]!, match[3]!];
    const subjectIndex = started.indexOf(subject);
    const otherIndex = started.indexOf(other);
    if (subjectIndex < 0 || otherIndex < 0) {
      throw new StepFailure(`${subjectIndex < 0 ? subject : other} never started (start order: ${started.join(', ')})`);
    }
    const holds = relation === 'before' ? subjectIndex < otherIndex : subjectIndex > otherIndex;
    if (!holds) throw new StepFailure(`${subject} did not run ${relation} ${other} (start order: ${started.join(', ')})`);
  }],
  [/^(\S+) should (complete|fault|cancel)$/, (state, match) => {
    taskEvent(state, match[1]!, statusOf(match[2]!));
  }],
  [/^(\S+) should complete with output:$/, (state, match, docString) => {
    const event = taskEvent(state, match[1]!, 'completed');
    expectEqual(event.data.output, yamlValue(required(docString, 'an expected output docstring')), `${match[1]} output`);
  }],
  [/^(\S+) should fault with error:$/, (state, match, docString) => {
    const event = taskEvent(state, match[1]!, 'faulted');
    const error = isJsonObject(event.data.error) ? (event.data.error as ProblemDetails) : undefined;
    expectPartialError(error, yamlValue(required(docString, 'an expected error docstring')), `${match[1]} error`);
  }],
];

/** Runs every step of a scenario in order; the first failing step ends it. */
export async function runScenario(scenario: Scenario, runner: WorkflowRunner): Promise<ScenarioOutcome> {
  const state: ScenarioState = { scenario, runner, input: {} };
  for (const step of scenario.steps) {
    try {
      await runStep(state, step);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { passed: false, reason: `line ${step.line} "${step.text}": ${message}` };
    }
  }
  return { passed: true };
}

async function runStep(state: ScenarioState, step: ScenarioStep): Promise<void> {
  for (const [pattern, handler] of STEPS) {
    const match = pattern.exec(step.text);
    if (match !== null) return handler(state, match, step.docString);
  }
  throw new StepFailure('no step definition matches this step');
}

function statusOf(word: string): RunResult['status'] {
  return word === 'complete' ? 'completed' : word === 'fault' ? 'faulted' : 'cancelled';
}

function expectStatus(state: ScenarioState, status: RunResult['status']): RunResult {
  const result = state.result;
  if (result === undefined) throw new StepFailure('the workflow was not executed');
  if (result.status !== status) {
    const why = result.status === 'faulted' ? `: ${show(result.error)}` : result.status === 'completed' ? ` with ${show(result.output)}` : '';
    throw new StepFailure(`expected ${status}, the workflow ${result.status}${why}`);
  }
  return result;
}

function expectEqual(actual: Json | undefined, expected: Json, what: string): void {
  if (!isDeepStrictEqual(actual, expected)) throw new StepFailure(`${what} is ${show(actual)}, expected ${show(expected)}`);
}

/** Every field the scenario names must equal the error's; other error fields are free. */
function expectPartialError(actual: ProblemDetails | undefined, expected: Json, what: string): void {
  if (!isJsonObject(expected)) throw new StepFailure('the expected error must be a map');
  const differing = Object.entries(expected).filter(([key, value]) => !isDeepStrictEqual(actual?.[key], value));
  if (differing.length > 0) {
    const fields = differing.map(([key, value]) => `${key} is ${show(actual?.[key])}, expected ${show(value)}`).join('; ');
    throw new StepFailure(`${what}: ${fields}`);
  }
}

/**
 * Names of the named tasks in the order they started. A named task's pointer ends in
 * `<index>/<name>`; structural pointers (`/do`, `/do/0/t/try`) are not tasks of the scenario.
 */
function startedTasks(state: ScenarioState): string[] {
  const result = state.result;
  if (result === undefined) throw new StepFailure('the workflow was not executed');
  return result.events
    .filter((event) => event.type === EVENT_TYPES.taskStarted && /\/\d+\/[^/]+$/.test(event.subject ?? ''))
    .map((event) => taskName(event.subject));
}

const TASK_END_EVENTS = {
  completed: EVENT_TYPES.taskCompleted,
  faulted: EVENT_TYPES.taskFaulted,
  cancelled: EVENT_TYPES.taskCancelled,
} as const;

function taskEvent(state: ScenarioState, task: string, status: RunResult['status']): ProgressEvent {
  const result = state.result;
  if (result === undefined) throw new StepFailure('the workflow was not executed');
  const events = result.events.filter((event) => taskName(event.subject) === task);
  const event = events.find((candidate) => candidate.type === TASK_END_EVENTS[status]);
  if (event === undefined) {
    const seen = events.map((candidate) => candidate.type.replace(/^io\.serverlessworkflow\.task\.(.+)\.v\d+$/, '$1')).join(', ');
    throw new StepFailure(`${task} did not ${status === 'completed' ? 'complete' : status === 'faulted' ? 'fault' : 'cancel'} (its events: ${seen || 'none'})`);
  }
  return event;
}

function taskName(subject: string | undefined): string {
  const segment = (subject ?? '').slice((subject ?? '').lastIndexOf('/') + 1);
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Follows a dotted path (`request.headers`) through objects; array items by numeric segment. */
function propertyAt(value: Json | undefined, path: string): Json | undefined {
  let current: Json | undefined = value;
  for (const segment of path.split('.')) {
    if (Array.isArray(current) && /^\d+$/.test(segment)) current = current[Number(segment)];
    else if (isJsonObject(current) && Object.hasOwn(current, segment)) current = current[segment];
    else return undefined;
  }
  return current;
}

function quotedList(text: string): string[] {
  return [...text.matchAll(/'([^']*)'/g)].map((match) => match[1]!);
}

function yamlValue(text: string): Json {
  return (parseYaml(text) ?? null) as Json;
}

function required(docString: string | undefined, what: string): string {
  if (docString === undefined) throw new StepFailure(`this step needs ${what}`);
  return docString;
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? 'nothing';
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
