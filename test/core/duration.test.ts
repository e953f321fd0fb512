import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { WorkflowDocument } from '../../src/core/model.ts';
import { durationObjectToMs, isoDurationToMs, msToIsoDuration } from '../../src/core/duration.ts';
import { isWorkflowError } from '../../src/core/errors.ts';
import { runOnFakeHost } from './fake-host.ts';
import { testEngine, workflow } from './test-workflow.ts';

const VALIDATION = 'https://serverlessworkflow.io/spec/1.0.0/errors/validation';

describe('durations', () => {
  it.each([
    ['PT30S', 30_000],
    ['PT1M30S', 90_000],
    ['PT0.25S', 250],
    ['PT2H', 7_200_000],
    ['P1D', 86_400_000],
    ['P1DT2H3M4.5S', 86_400_000 + 7_200_000 + 180_000 + 4_500],
    ['P2W', 14 * 86_400_000],
    [' PT1S ', 1_000],
  ])('ISO 8601 %s is %i ms', (text, ms) => {
    expect(isoDurationToMs(text)).toBe(ms);
  });

  it.each(['P', 'PT', 'P1Y', 'P1M', 'PT1', '30S', 'PT-1S', '1 minute', ''])('%j is refused with a validation error (400)', (text) => {
    let caught: unknown;
    try {
      isoDurationToMs(text);
    } catch (error) {
      caught = error;
    }
    expect(isWorkflowError(caught)).toBe(true);
    expect(isWorkflowError(caught) && caught.problem).toMatchObject({ type: VALIDATION, status: 400 });
  });

  it('adds up every unit of a duration object', () => {
    expect(durationObjectToMs({ days: 1, hours: 2, minutes: 3, seconds: 4, milliseconds: 5 })).toBe(86_400_000 + 7_200_000 + 180_000 + 4_000 + 5);
    expect(durationObjectToMs({ milliseconds: 20 })).toBe(20);
  });

  it('formats milliseconds as an ISO 8601 duration for messages', () => {
    expect(msToIsoDuration(1_500)).toBe('PT1.5S');
    expect(msToIsoDuration(20)).toBe('PT0.02S');
  });
});

describe('wait durations on the fake host (virtual clock)', () => {
  it('waits exactly the object, ISO 8601 and expression durations', async () => {
    const document = await workflow(`
do:
  - object: { wait: { minutes: 1, milliseconds: 500 } }
  - iso: { wait: PT2S }
  - expressionIso: { wait: '\${ .iso }' }
  - expressionObject: { wait: '\${ {seconds: .seconds} }' }
`);
    const { host } = await runOnFakeHost(document, { iso: 'PT0.1S', seconds: 3 }, { engine: await testEngine() });
    expect(host.sleeps.map((sleep) => sleep.ms)).toEqual([60_500, 2_000, 100, 3_000]);
  });

  it.each([
    ['an expression giving a bad ISO string', `'\${ "PT5X" }'`],
    ['an expression giving a number', `'\${ 5 }'`],
    ['an ambiguous ISO duration (months)', 'P1M'],
  ])('faults with a validation error at the task for %s', async (_what, wait) => {
    const document = parseYaml(`document: { dsl: '1.0.3', namespace: test, name: w, version: '1.0.0' }
do:
  - outer:
      do:
        - pause:
            wait: ${wait}
`) as WorkflowDocument;
    const { result, host } = await runOnFakeHost(document, {}, { engine: await testEngine() });
    expect(result.error).toMatchObject({ type: VALIDATION, status: 400, instance: '/do/0/outer/do/0/pause' });
    expect(host.sleeps).toEqual([]);
  });
});
