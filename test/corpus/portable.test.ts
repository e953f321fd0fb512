import { describe, expect, it } from 'vitest';
import type { Json } from '../../src/core/json.ts';
import { createNativeJqEngine } from '../../src/jq/native-engine.ts';
import { runOnHost } from '../../src/hosts/index.ts';
import { EVENT_TYPES } from '../../src/core/events.ts';
import { ISSUE, loadWorkflow, WorkflowLoadError, type ValidationIssue } from '../../src/loader/load-workflow.ts';

// Portability: DSL pre-releases, the spec's main (opt-in by a dsl above 1.0.3), error filters, jq's
// debug, and one test per divergence decision of docs/semantics.md (behaviour and validator warning).
const engine = createNativeJqEngine();

function load(body: string, dsl = '1.0.3', strict = false) {
  const warnings: ValidationIssue[] = [];
  const text = `document: { dsl: '${dsl}', namespace: test, name: portable, version: '0.1.0' }\n${body}`;
  const document = loadWorkflow(text, 'portable.yaml', { engine, strict, onWarning: (warning) => warnings.push(warning) });
  return { document, warnings };
}

async function run(body: string, input: Json = {}, dsl = '1.0.3', options: { log?: (line: string) => void } = {}) {
  const { document, warnings } = load(body, dsl);
  const result = await runOnHost('local', document, input, { engine: createNativeJqEngine(options.log ? { log: options.log } : {}), allowProcesses: true });
  return { result, warnings };
}

function refusal(body: string, dsl: string, strict = false): WorkflowLoadError {
  try {
    load(body, dsl, strict);
  } catch (error) {
    if (error instanceof WorkflowLoadError) return error;
    throw error;
  }
  throw new Error('the document loaded');
}

const ALPHA = `do:
  - wait:
      listen:
        to:
          one:
            with: { type: com.example.ready }
  - build:
      run:
        shell:
          command: make
`;

describe('document.dsl 1.0.0-alpha5', () => {
  it('loads as DSL 1.0 with a warning for the version and for each construct whose meaning changed', () => {
    const { warnings } = load(ALPHA, '1.0.0-alpha5');
    expect(warnings.map((warning) => [warning.code, warning.path])).toEqual([
      [ISSUE.preRelease, '/document/dsl'],
      [ISSUE.preRelease, '/do/0/wait/listen'],
      [ISSUE.preRelease, '/do/1/build/run'],
    ]);
    expect(warnings[1]!.message).toContain('listen.read');
    expect(warnings[2]!.message).toContain('run.return');
  });

  it('is refused with its warnings as errors under --strict', () => {
    const error = refusal(ALPHA, '1.0.0-alpha5', true);
    expect(error.issues.map((issue) => issue.code)).toEqual([ISSUE.preRelease, ISSUE.preRelease, ISSUE.preRelease]);
  });

  it('says plainly when a construct is not expressible in 1.0', () => {
    const error = refusal('do:\n  - old:\n      set: { a: 1 }\n      retries: 3\n', '1.0.0-alpha5');
    expect(error.issues[0]!.message).toMatch(/^not expressible in DSL 1\.0: .*retries/);
  });

  it('keeps refusing versions Cairn does not run', () => {
    expect(refusal('do:\n  - a: { set: { a: 1 } }\n', '2.0.0').issues[0]!.code).toBe(ISSUE.unsupportedDsl);
  });
});

const RAISE_AND_CATCH = (filter: string) => `do:
  - attempt:
      try:
        - failing:
            raise:
              error: { type: https://example.com/errors/security, status: 403, detail: User not found in tenant catalog }
      catch:
        errors:
          with: { type: https://example.com/errors/security, ${filter} }
        do:
          - recover: { set: { recovered: true } }
`;

describe('error filters', () => {
  it("v1.0.3's `details` matches the error's detail, and a different one does not catch", async () => {
    expect((await run(RAISE_AND_CATCH('details: User not found in tenant catalog'))).result.output).toEqual({ recovered: true });
    const missed = await run(RAISE_AND_CATCH('details: Enforcement Failure'));
    expect(missed.result.status).toBe('faulted');
    expect(missed.result.error).toMatchObject({ status: 403, detail: 'User not found in tenant catalog' });
  });

  it("main's `detail` matches as well (a dsl above 1.0.3 validates it against the main schema, without warnings)", async () => {
    const { result, warnings } = await run(RAISE_AND_CATCH('detail: User not found in tenant catalog'), {}, '1.1.0');
    expect(result.output).toEqual({ recovered: true });
    expect(warnings).toEqual([]);
  });
});

describe("jq's debug and stderr", () => {
  it("pass their input through to the output and write to the runner's log", async () => {
    const lines: string[] = [];
    const { result } = await run("do:\n  - a:\n      set:\n        x: '${ .n | debug | debug(\"seen\") | stderr | . + 1 }'\n", { n: 1 }, '1.0.3', { log: (line) => lines.push(line) });
    expect(result.output).toEqual({ x: 2 });
    expect(lines).toEqual(['["DEBUG:",1]', '["DEBUG:","seen"]', '1']);
  });
});

describe('divergences (docs/semantics.md)', () => {
  it('catch.when reads the task input as `.` and the error as $error; reading `.` warns', async () => {
    const body = (when: string) => `do:
  - attempt:
      try:
        - failing: { raise: { error: { type: https://example.com/errors/busy, status: 503 } } }
      catch:
        when: '${when}'
        do:
          - handled: { set: { handled: true } }
`;
    const byInput = await run(body('${ .retryable }'), { retryable: true });
    expect(byInput.result.output).toEqual({ handled: true });
    expect(byInput.warnings.map((warning) => warning.path)).toEqual(['/do/0/attempt/catch/when']);
    const byError = await run(body('${ $error.status == 503 }'), { retryable: false });
    expect(byError.result.output).toEqual({ handled: true });
    expect(byError.warnings).toEqual([]);
  });

  it('an exhausted catch.retry handles the error (catch.do runs), with a warning', async () => {
    const { result, warnings } = await run(`do:
  - attempt:
      try:
        - failing: { raise: { error: { type: https://example.com/errors/busy, status: 503 } } }
      catch:
        retry: { delay: { milliseconds: 1 }, limit: { attempt: { count: 2 } } }
        do:
          - gaveUp: { set: { gaveUp: true } }
`);
    expect(result.output).toEqual({ gaveUp: true });
    expect(warnings.map((warning) => warning.path)).toEqual(['/do/0/attempt/catch/retry']);
  });

  it('a multi-result expression keeps its first result, with a warning; a collected one does not warn', async () => {
    const several = await run("do:\n  - a: { set: { first: '${ .items[] }' } }\n", { items: [1, 2] });
    expect(several.result.output).toEqual({ first: 1 });
    expect(several.warnings.map((warning) => warning.path)).toEqual(['/do/0/a/set/first']);
    const collected = await run("do:\n  - a: { set: { all: '${ [.items[]] }' } }\n", { items: [1, 2] });
    expect(collected.result.output).toEqual({ all: [1, 2] });
    expect(collected.warnings).toEqual([]);
  });

  it('run with return: stderr faults on a non-zero exit, with a warning', async () => {
    const { result, warnings } = await run(`do:
  - failing:
      run:
        shell: { command: 'echo broken >&2; exit 3' }
        return: stderr
`);
    expect(result.status).toBe('faulted');
    expect(result.error).toMatchObject({ status: 500, exitCode: 3, stderr: 'broken' });
    expect(warnings.map((warning) => warning.path)).toEqual(['/do/0/failing/run/return']);
  });
});

describe("the spec's main, opted into by a dsl above 1.0.3", () => {
  it('catch.then directs the flow after the catch', async () => {
    const { result } = await run(`do:
  - attempt:
      try:
        - failing: { raise: { error: { type: https://example.com/errors/busy, status: 503 } } }
      catch:
        then: recordFailure
  - carryOn: { set: { status: ok }, then: end }
  - recordFailure: { set: { status: failed } }
`, {}, '1.1.0');
    expect(result.output).toEqual({ status: 'failed' });
  });

  it('for.in takes an inline array; a 1.0.3 document using it loads with a post-release warning', async () => {
    const body = "do:\n  - loop:\n      for: { each: item, in: [ { n: 1 }, { n: 2 } ] }\n      do:\n        - add: { set: { sum: '${ .sum + $item.n }' } }\n";
    expect((await run(body, { sum: 0 }, '1.1.0')).result.output).toEqual({ sum: 3 });
    const legacy = await run(body, { sum: 0 });
    expect(legacy.result.output).toEqual({ sum: 3 });
    expect(legacy.warnings.map((warning) => warning.code)).toEqual([ISSUE.postRelease]);
  });

  it('emit generates a missing source from the workflow identity; in a 1.0.3 document that warns', async () => {
    const body = 'do:\n  - tell: { emit: { event: { with: { type: com.example.done } } } }\n';
    const { result } = await run(body, {}, '1.1.0');
    expect(result.output).toMatchObject({ type: 'com.example.done', source: '/test/portable/0.1.0' });
    const legacy = await run(body);
    expect(legacy.result.output).toMatchObject({ source: '/test/portable/0.1.0' });
    expect(legacy.warnings[0]).toMatchObject({ code: ISSUE.postRelease, path: '/do/0/tell/emit/event/with' });
  });

  it('schedule.read is accepted with schedule.on, refused without it', () => {
    const on = 'schedule:\n  on: { one: { with: { type: com.example.start } } }\n  read: envelope\ndo:\n  - a: { set: { a: 1 } }\n';
    expect(load(on, '1.1.0').warnings).toEqual([]);
    expect(refusal('schedule:\n  every: { minutes: 1 }\n  read: envelope\ndo:\n  - a: { set: { a: 1 } }\n', '1.1.0').issues[0]!.code).toBe(ISSUE.schema);
  });

  it('never evaluates expressions found in input data', async () => {
    const { result } = await run("do:\n  - copy: { set: { copied: '${ .text }' } }\n", { text: '${ 1 + 1 }' }, '1.1.0');
    expect(result.output).toEqual({ copied: '${ 1 + 1 }' });
  });
});

describe("main's AsyncAPI call: exactly one of channel or operation", () => {
  const call = (target: string) => `do:
  - publish:
      call: asyncapi
      with:
        document: { endpoint: https://example.com/asyncapi.json }
${target}
        message: { payload: { ok: true } }
`;

  it('refuses both, naming the file, line and column of the arguments', () => {
    const error = refusal(call('        channel: orders\n        operation: publishOrder'), '1.1.0');
    expect(error.issues[0]).toMatchObject({ code: ISSUE.schema, file: 'portable.yaml', line: 5, column: 7, path: '/do/0/publish/with' });
    expect(error.message).toMatch(/^portable\.yaml:5:7: /);
  });

  it('refuses neither, and accepts either one alone', () => {
    expect(refusal(call('        protocol: nats'), '1.1.0').issues[0]!.code).toBe(ISSUE.schema);
    expect(load(call('        channel: orders'), '1.1.0').warnings).toEqual([]);
    expect(load(call('        operation: publishOrder'), '1.1.0').warnings).toEqual([]);
  });
});

describe("main's error type domain for the errors Cairn raises", () => {
  const failing = "do:\n  - divide: { set: { x: '${ error(\"boom\") }' } }\n";
  const caught = `do:
  - attempt:
      try:
        - divide: { set: { x: '\${ error("boom") }' } }
      catch:
        as: failure
        do:
          - keep: { set: { type: '\${ $failure.type }' } }
  - authored:
      try:
        - refuse: { raise: { error: { type: https://serverlessworkflow.io/spec/1.0.0/errors/validation, status: 400 } } }
      catch:
        as: failure
        do:
          - keep: { set: { type: '\${ $failure.type }' } }
`;

  it('a document opting into main sees open-workflow-specification.org types in $error and the fault; a raise keeps its authored type', async () => {
    expect((await run(failing, {}, '1.1.0')).result.error?.type).toBe('https://open-workflow-specification.org/spec/1.0.0/errors/expression');
    expect((await run(caught, {}, '1.1.0')).result.output).toEqual({ type: 'https://serverlessworkflow.io/spec/1.0.0/errors/validation' });
    const { result } = await run(caught.split('  - authored:')[0]!, {}, '1.1.0');
    expect(result.output).toEqual({ type: 'https://open-workflow-specification.org/spec/1.0.0/errors/expression' });
  });

  it('a 1.0.x document keeps serverlessworkflow.io', async () => {
    expect((await run(failing)).result.error?.type).toBe('https://serverlessworkflow.io/spec/1.0.0/errors/expression');
    expect((await run(caught.split('  - authored:')[0]!)).result.output).toEqual({ type: 'https://serverlessworkflow.io/spec/1.0.0/errors/expression' });
  });
});

describe("main's lowercase duration keys (the v1.0.3 schema's own keys; only v1.0.3's prose capitalised them)", () => {
  const durations = `do:
  - slow:
      wait: { milliseconds: 2000 }
      timeout: { after: { milliseconds: 20 } }
  - flaky:
      try:
        - fail: { raise: { error: { type: https://example.com/errors/busy, status: 503 } } }
      catch:
        retry:
          delay: { milliseconds: 1 }
          backoff: { constant: {} }
          limit: { attempt: { count: 2, duration: { days: 0, hours: 0, minutes: 1, seconds: 0 } } }
`;

  it('mean the same in timeouts, wait and retry for a main document as for a 1.0.3 one', async () => {
    for (const dsl of ['1.1.0', '1.0.3']) {
      const { result } = await run(durations, {}, dsl);
      expect(result.error).toMatchObject({ status: 408, instance: '/do/0/slow' });
      const retried = await run(durations.replace(/ {2}- slow:[\s\S]*?(?= {2}- flaky)/, ''), {}, dsl);
      const delays = retried.result.events.filter((event) => event.type === EVENT_TYPES.taskRetried).map((event) => event.data['retryDelayMs']);
      expect(delays).toEqual([1]);
    }
  });

  it('are accepted in schedule every/after; a capitalised key is refused in both lines', () => {
    expect(load('schedule: { every: { minutes: 1 } }\ndo:\n  - a: { set: { a: 1 } }\n', '1.1.0').warnings).toEqual([]);
    expect(load('schedule: { after: { seconds: 30 } }\ndo:\n  - a: { set: { a: 1 } }\n', '1.1.0').warnings).toEqual([]);
    for (const dsl of ['1.1.0', '1.0.3']) {
      expect(refusal('do:\n  - pause: { wait: { Seconds: 1 } }\n', dsl).issues[0]!.code).toBe(ISSUE.schema);
    }
  });
});

describe("main's outputUri on the workflow completed event", () => {
  const body = 'do:\n  - a: { set: { a: 1 } }\n';
  const completed = async (dsl: string, outputUri?: string) => {
    const { document } = load(body, dsl);
    const result = await runOnHost('local', document, {}, { engine, executionId: 'x1', ...(outputUri ? { outputUri } : {}) });
    return result.events.find((event) => event.type === EVENT_TYPES.workflowCompleted)!.data;
  };

  it('points a main document at where the caller stores the output, and is omitted where nothing stores it', async () => {
    expect(await completed('1.1.0', 'http://127.0.0.1:8080/v1/executions/x1')).toMatchObject({ outputUri: 'http://127.0.0.1:8080/v1/executions/x1', output: { a: 1 } });
    expect(await completed('1.1.0')).not.toHaveProperty('outputUri');
  });

  it('is never added for a 1.0.x document, whose event carries the output as v1.0.3 says', async () => {
    const data = await completed('1.0.3', 'http://127.0.0.1:8080/v1/executions/x1');
    expect(data).not.toHaveProperty('outputUri');
    expect(data['output']).toEqual({ a: 1 });
  });
});
