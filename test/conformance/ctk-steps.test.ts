import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, type EventType, type ProgressEvent } from '../../src/core/events.ts';
import type { Json } from '../../src/core/json.ts';
import { runScenario, type RunResult } from './ctk-steps.ts';
import { parseFeature } from './load-features.ts';

// The step definitions judged against hand-made run results (no interpreter involved), so a step
// that accepts everything would fail here.

function event(seq: number, type: EventType, subject: string, data: Record<string, Json> = {}): ProgressEvent {
  return {
    specversion: '1.0', id: `x:${seq}`, source: 'test', type, time: '2026-01-01T00:00:00Z',
    datacontenttype: 'application/json', executionid: 'x', seq, subject, data,
  };
}

const started = (seq: number, subject: string): ProgressEvent => event(seq, EVENT_TYPES.taskStarted, subject);

function feature(steps: string): string {
  const definition = ['    Given a workflow with definition:', '    """yaml', '    do: []', '    """'].join('\n');
  return `Feature: Steps\n  Scenario: Under test\n${definition}\n    When the workflow is executed\n${steps}\n`;
}

async function judge(steps: string, result: RunResult, input?: (value: Json) => void): Promise<{ passed: boolean; reason?: string }> {
  const [scenario] = parseFeature(feature(steps), 'inline.feature');
  return runScenario(scenario!, async (_definition, given) => {
    input?.(given);
    return result;
  });
}

const completed = (output: Json, events: ProgressEvent[] = []): RunResult => ({ status: 'completed', output, events });

describe('ctk step definitions on hand-made results', () => {
  it('complete with output compares deeply, ignoring key order', async () => {
    const steps = '    Then the workflow should complete with output:\n    """yaml\n    colors: [ red, green ]\n    n: 1\n    """';
    expect((await judge(steps, completed({ n: 1, colors: ['red', 'green'] }))).passed).toBe(true);
    const wrong = await judge(steps, completed({ n: 1, colors: ['red'] }));
    expect(wrong.passed).toBe(false);
    expect(wrong.reason).toContain('line 8');
  });

  it('complete fails on a faulted run and shows the error', async () => {
    const outcome = await judge('    Then the workflow should complete', {
      status: 'faulted',
      error: { type: 'https://serverlessworkflow.io/spec/1.0.0/errors/communication', status: 404 },
      events: [],
    });
    expect(outcome.passed).toBe(false);
    expect(outcome.reason).toContain('404');
  });

  it('fault with error matches only the given fields, exactly', async () => {
    const steps = '    Then the workflow should fault with error:\n    """yaml\n    status: 400\n    instance: /do/0/raiseError\n    """';
    const error = { type: 'urn:x', status: 400, title: 'T', instance: '/do/0/raiseError' };
    expect((await judge(steps, { status: 'faulted', error, events: [] })).passed).toBe(true);
    const other = await judge(steps, { status: 'faulted', error: { ...error, instance: '/do/1/other' }, events: [] });
    expect(other.reason).toContain('instance is "/do/1/other"');
  });

  it('properties follow dotted paths; property with value and item count', async () => {
    const output = { request: { method: 'GET' }, colors: ['red'], zero: 0 };
    const steps = [
      "    Then the workflow output should have properties 'request', 'request.method', 'zero'",
      "    And the workflow output should have a 'request.method' property with value:\n    \"\"\"yaml\n    GET\n    \"\"\"",
      "    And the workflow output should have a 'colors' property containing 1 items",
    ].join('\n');
    expect((await judge(steps, completed(output))).passed).toBe(true);
    const missing = await judge("    Then the workflow output should have properties 'request.uri'", completed(output));
    expect(missing.reason).toContain('request.uri');
    const count = await judge("    Then the workflow output should have a 'colors' property containing 2 items", completed(output));
    expect(count.passed).toBe(false);
  });

  it('run order uses task.started events of named tasks, not structural pointers', async () => {
    const events = [started(1, '/do'), started(2, '/do/0/switchColor'), started(3, '/do/1/setRed'), started(4, '/do/1/setRed/try')];
    const good = '    Then switchColor should run first\n    And setRed should run last\n    And setRed should run after switchColor';
    expect((await judge(good, completed(null, events))).passed).toBe(true);
    const bad = await judge('    Then setRed should run before switchColor', completed(null, events));
    expect(bad.reason).toContain('start order: switchColor, setRed');
    const never = await judge('    Then setBlue should run after setRed', completed(null, events));
    expect(never.reason).toContain('setBlue never started');
  });

  it('task status steps read the task end events', async () => {
    const events = [
      started(1, '/do/0/getPet'),
      event(2, EVENT_TYPES.taskFaulted, '/do/0/getPet', { error: { status: 404, type: 'urn:c' } }),
      event(3, EVENT_TYPES.taskCompleted, '/do/1/setError', { output: { ok: true } }),
    ];
    const steps = [
      '    Then getPet should fault with error:\n    """yaml\n    status: 404\n    """',
      '    And setError should complete with output:\n    """yaml\n    ok: true\n    """',
    ].join('\n');
    expect((await judge(steps, completed(null, events))).passed).toBe(true);
    const outcome = await judge('    Then getPet should complete', completed(null, events));
    expect(outcome.reason).toContain('getPet did not complete (its events: started, faulted)');
  });

  it('passes the YAML input, defaults it to an empty map, and rejects unknown steps', async () => {
    const given: Json[] = [];
    const withInput = feature('    Then the workflow should complete').replace(
      '    When',
      '    And given the workflow input is:\n    """yaml\n    petId: 1\n    """\n    When',
    );
    const [scenario] = parseFeature(withInput, 'inline.feature');
    await runScenario(scenario!, async (_definition, input) => {
      given.push(input);
      return completed(null);
    });
    await judge('    Then the workflow should complete', completed(null), (input) => given.push(input));
    expect(given).toEqual([{ petId: 1 }, {}]);
    const unknown = await judge('    Then the moon should rise', completed(null));
    expect(unknown.reason).toContain('no step definition matches');
  });
});
