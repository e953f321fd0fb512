import { describe, expect, it } from 'vitest';
import type { ResumePoint } from '../../src/core/continuation.ts';
import type { ProgressEvent } from '../../src/core/events.ts';
import type { Json } from '../../src/core/json.ts';
import type { WorkflowDocument } from '../../src/core/model.ts';
import type { WorkflowResult } from '../../src/core/interpreter.ts';
import { runOnFakeHost, runSegmentOnFakeHost } from './fake-host.ts';
import { testEngine, workflow } from './test-workflow.ts';

interface SegmentedRun {
  result: WorkflowResult;
  events: ProgressEvent[];
  resumePoints: ResumePoint[];
}

/**
 * Runs an execution as a chain of runs, each on a fresh host (as after Temporal's continue-as-new),
 * pausing whenever `pauseEvery` tasks were asked about; every resume point goes through JSON.
 */
async function runInSegments(document: WorkflowDocument, input: Json, pauseEvery: number): Promise<SegmentedRun> {
  const engine = await testEngine();
  const events: ProgressEvent[] = [];
  const resumePoints: ResumePoint[] = [];
  let resumeFrom: ResumePoint | undefined;
  let clock = Date.UTC(2026, 0, 1);
  for (let segment = 0; segment < 1_000; segment += 1) {
    let asked = 0;
    const { result, host } = await runSegmentOnFakeHost(document, input, { engine, startAt: clock }, {
      ...(resumeFrom ? { resumeFrom } : {}),
      shouldContinue: () => ++asked > pauseEvery,
    });
    events.push(...host.events);
    clock = host.now();
    if (result.status !== 'continued') return { result, events, resumePoints };
    resumeFrom = JSON.parse(JSON.stringify(result.resume)) as ResumePoint;
    resumePoints.push(resumeFrom);
  }
  throw new Error('the execution never ended');
}

/** What must be identical between an uninterrupted run and a segmented one: everything but wall time. */
function timeless(events: ProgressEvent[]) {
  return events.map(({ time: _time, data, ...event }) => ({ ...event, data: withoutTimestamps(data) }));
}

function withoutTimestamps(data: ProgressEvent['data']) {
  return Object.fromEntries(Object.entries(data).filter(([key]) => !/At$/.test(key)));
}

async function expectSameAsUninterrupted(document: WorkflowDocument, input: Json, pauseEvery: number): Promise<SegmentedRun> {
  const whole = await runOnFakeHost(document, input, { engine: await testEngine() });
  const segmented = await runInSegments(document, input, pauseEvery);
  expect(segmented.result).toEqual(whole.result);
  expect(timeless(segmented.events)).toEqual(timeless(whole.host.events));
  expect(segmented.events.map((event) => event.seq)).toEqual(segmented.events.map((_, index) => index + 1));
  return segmented;
}

describe('continuing an execution in a new run (continue-as-new)', () => {
  it('a for loop paused every few tasks ends with the same output, $context and events as one run', async () => {
    const document = await workflow(`
do:
  - prepare:
      set:
        total: 0
      export:
        as: '\${ {seen: []} }'
  - loop:
      for:
        in: '\${ [range(0; 40)] }'
        each: n
        at: i
      do:
        - add:
            set:
              total: '\${ .total + $n }'
        - remember:
            set: '\${ . }'
            export:
              as: '\${ $context + {seen: ($context.seen + [$i])} }'
        - nested:
            do:
              - double:
                  set:
                    total: '\${ .total }'
                    last: '\${ $n * 2 }'
  - summary:
      set:
        total: '\${ .total }'
        last: '\${ .last }'
        seen: '\${ $context.seen | length }'
        started: '\${ $workflow.startedAt.epoch.milliseconds }'
`);
    const run = await expectSameAsUninterrupted(document, {}, 7);
    expect(run.result.output).toEqual({ total: 780, last: 78, seen: 40, started: Date.UTC(2026, 0, 1) });
    expect(run.resumePoints.length).toBeGreaterThan(10);
    // A pause inside the loop records the path down to the body list: list, task, loop, list.
    expect(run.resumePoints.some((point) => point.frames.map((frame) => frame.kind).join(',') === 'list,task,for,list')).toBe(true);
  });

  it('resumes nested loops with while conditions and backward flow jumps', async () => {
    const document = await workflow(`
do:
  - outer:
      for:
        in: '\${ [1, 2, 3] }'
        each: row
      while: '\${ (.cells // 0) < 7 }'
      do:
        - inner:
            for:
              in: '\${ [10, 20, 30] }'
              each: column
            do:
              - count:
                  set:
                    cells: '\${ (.cells // 0) + 1 }'
                    sum: '\${ (.sum // 0) + $row * $column }'
        - again:
            switch:
              - twice:
                  when: '\${ (.cells % 2) == 1 and .cells < 5 }'
                  then: inner
              - otherwise:
                  then: continue
`);
    const run = await expectSameAsUninterrupted(document, {}, 2);
    expect(run.result.output).toEqual({ cells: 9, sum: 240 });
  });

  it('keeps the workflow timeout counted from the execution start', async () => {
    const document = await workflow(`
timeout:
  after:
    milliseconds: 1000
do:
  - loop:
      for:
        in: '\${ [range(0; 10)] }'
      do:
        - pause:
            wait:
              milliseconds: 300
`);
    const run = await expectSameAsUninterrupted(document, {}, 1);
    expect(run.result.status).toBe('faulted');
    expect(run.result.error?.type).toContain('/errors/timeout');
  });

  it('never pauses inside try, fork or a task with its own timeout', async () => {
    const document = await workflow(`
do:
  - guarded:
      try:
        - inside:
            for:
              in: '\${ [1, 2, 3] }'
            do:
              - step:
                  set: { tried: true }
      catch:
        errors:
          with:
            type: https://serverlessworkflow.io/spec/1.0.0/errors/runtime
  - parallel:
      fork:
        branches:
          - left:
              set: { side: left }
          - right:
              set: { side: right }
  - timed:
      timeout:
        after:
          seconds: 5
      do:
        - within:
            set: { timed: true }
  - last:
      set: { done: true }
`);
    const run = await expectSameAsUninterrupted(document, {}, 1);
    expect(run.result.output).toEqual({ done: true });
    const pausedAt = run.resumePoints.map((point) => point.frames.map((frame) => frame.pointer));
    expect(pausedAt).toEqual([['/do'], ['/do'], ['/do']]);
    expect(run.resumePoints.map((point) => (point.frames[0] as { index: number }).index)).toEqual([1, 2, 3]);
  });
});
