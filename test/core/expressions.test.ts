import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { WorkflowDocument } from '../../src/core/model.ts';
import { RUNTIME_NAME, RUNTIME_VERSION } from '../../src/core/interpreter.ts';
import { runOnFakeHost } from './fake-host.ts';
import { testEngine, workflow } from './test-workflow.ts';

const EXPRESSION = 'https://serverlessworkflow.io/spec/1.0.0/errors/expression';
const START = Date.UTC(2026, 0, 1);

/** A document the loader would refuse (bad syntax): the interpreter must still fault cleanly. */
function unchecked(body: string): WorkflowDocument {
  return parseYaml(`document: { dsl: '1.0.3', namespace: test, name: unchecked, version: '1.0.0' }\n${body}`) as WorkflowDocument;
}

describe('expression errors on the fake host', () => {
  it.each([
    ['a set value', `do:\n  - bad:\n      set: { x: '\${ .a + 1 }' }`, { a: 'text' }, '/do/0/bad'],
    ['an if condition', `do:\n  - bad:\n      if: '\${ .a | keys }'\n      set: { x: 1 }`, { a: 3 }, '/do/0/bad'],
    ['a for body inside a loop', `do:\n  - loop:\n      for: { in: '\${ [1, "b"] }' }\n      do:\n        - add:\n            set: '\${ $item + 1 }'`, {}, '/do/0/loop/do/0/add'],
    ['a fork branch', `do:\n  - par:\n      fork:\n        branches:\n          - ok: { set: { x: 1 } }\n          - bad: { set: '\${ error("boom") }' }`, {}, '/do/0/par/fork/branches/1/bad'],
    ['output.as', `do:\n  - bad:\n      set: { x: 1 }\n      output: { as: '\${ .x[0] }' }`, {}, '/do/0/bad'],
    ['the workflow input.from', `input:\n  from: '\${ .a.b.c }'\ndo:\n  - ok: { set: { x: 1 } }`, { a: [1] }, '/'],
  ])('a runtime failure in %s is an expression error (400) carrying the pointer', async (_where, body, input, instance) => {
    const { result } = await runOnFakeHost(await workflow(body), input, { engine: await testEngine() });
    expect(result.status).toBe('faulted');
    expect(result.error).toMatchObject({ type: EXPRESSION, status: 400, title: 'Expression Error', instance });
  });

  it('a syntax error that escaped validation is an expression error at its task, not a crash', async () => {
    const document = unchecked(`do:\n  - first: { set: { x: 1 } }\n  - broken:\n      set: { y: '\${ .x + }' }`);
    const { result } = await runOnFakeHost(document, {}, { engine: await testEngine() });
    expect(result.error).toMatchObject({ type: EXPRESSION, status: 400, instance: '/do/1/broken' });
  });

  it('an unknown variable is an expression error at its task', async () => {
    const document = unchecked(`do:\n  - broken:\n      set: { y: '\${ $nope }' }`);
    const { result } = await runOnFakeHost(document, {}, { engine: await testEngine() });
    expect(result.error).toMatchObject({ type: EXPRESSION, instance: '/do/0/broken' });
  });
});

describe('runtime descriptors on the fake host (virtual clock)', () => {
  it('$task describes the running task, with startedAt from the virtual clock', async () => {
    const document = await workflow(`
do:
  - pause:
      wait: { milliseconds: 1500 }
  - describe:
      input:
        from: '\${ {kept: .a} }'
      set:
        task: '\${ $task | del(.definition) }'
        definitionKeys: '\${ $task.definition | keys }'
`);
    const { result } = await runOnFakeHost(document, { a: 1, b: 2 }, { engine: await testEngine() });
    expect(result.output).toEqual({
      task: {
        name: 'describe',
        reference: '/do/1/describe',
        input: { a: 1, b: 2 },
        startedAt: { iso8601: '2026-01-01T00:00:01.500Z', epoch: { seconds: Math.floor((START + 1500) / 1000), milliseconds: START + 1500 } },
      },
      definitionKeys: ['input', 'set'],
    });
  });

  it('$task.output in output.as is the raw output', async () => {
    const document = await workflow(`
do:
  - compute:
      set: { value: 41 }
      output:
        as: '\${ {raw: $task.output, next: (.value + 1)} }'
`);
    const { result } = await runOnFakeHost(document, {}, { engine: await testEngine() });
    expect(result.output).toEqual({ raw: { value: 41 }, next: 42 });
  });

  it('$workflow holds the execution id, definition, raw input and start time; $runtime the runtime', async () => {
    const document = await workflow(`
input:
  from: '\${ {n: .n} }'
do:
  - describe:
      set:
        workflow: '\${ $workflow | del(.definition) }'
        name: '\${ $workflow.definition.document.name }'
        runtime: '\${ $runtime }'
`, 'descriptors');
    const { result } = await runOnFakeHost(document, { n: 1, extra: true }, {
      engine: await testEngine(),
      executionId: 'exec-42',
      runtimeMetadata: { host: 'fake' },
    });
    expect(result.output).toEqual({
      workflow: {
        id: 'exec-42',
        input: { n: 1, extra: true },
        startedAt: { iso8601: '2026-01-01T00:00:00.000Z', epoch: { seconds: START / 1000, milliseconds: START } },
      },
      name: 'descriptors',
      runtime: { name: RUNTIME_NAME, version: RUNTIME_VERSION, metadata: { host: 'fake' } },
    });
  });
});
