import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../src/core/events.ts';
import { applyEvent, foldTaskTree } from '../../src/cli/views/task-tree-state.ts';
import { formatDuration } from '../../src/cli/views/format-duration.ts';
import { renderTaskTree } from '../../src/cli/views/task-tree.ts';
import { CLOCK_START, recordEvents } from './recorded-events.ts';

const at = (events: ProgressEvent[]) => Date.parse(events.at(-1)!.time) + 5;
const render = (events: ProgressEvent[], maxLines?: number) =>
  renderTaskTree(foldTaskTree(events), { now: at(events), colour: false, ...(maxLines ? { maxLines } : {}) });
const upTo = (events: ProgressEvent[], seq: number) => events.filter((event) => event.seq <= seq);

describe('task tree renderer (snapshots of real local-host event sequences)', () => {
  it('nests fork branches under their fork, each branch with its own tasks', async () => {
    const events = await recordEvents('test/golden/fork-all/workflow.yaml');
    expect(render(events)).toMatchInlineSnapshot(`
      "✓ golden.fork-all@1.0.0  completed  230 ms
        ✓ gather             completed    180 ms  /do/0/gather
          ✓ slow (branch 0)  completed    140 ms  /do/0/gather/fork/branches/0/slow
            ✓ nap            completed     60 ms  /do/0/gather/fork/branches/0/slow/do/0/nap
            ✓ answer         completed     20 ms  /do/0/gather/fork/branches/0/slow/do/1/answer
          ✓ fast (branch 1)  completed     20 ms  /do/0/gather/fork/branches/1/fast"
    `);
    // While the slow branch waits, the fast one is already done.
    const whileWaiting = events.find((event) => event.type.endsWith('task.completed.v1'))!.seq;
    expect(render(upTo(events, whileWaiting))).toMatchInlineSnapshot(`
      "▶ golden.fork-all@1.0.0  running  125 ms
        ▶ gather             running       85 ms  /do/0/gather
          ▶ slow (branch 0)  running       65 ms  /do/0/gather/fork/branches/0/slow
            ▶ nap            running       45 ms  /do/0/gather/fork/branches/0/slow/do/0/nap
          ✓ fast (branch 1)  completed     20 ms  /do/0/gather/fork/branches/1/fast"
    `);
  });

  it('nests each loop iteration under the iteration of the loop that runs it, with running durations', async () => {
    const input = { grid: [['a', 'b'], ['c']], visited: [] };
    const events = await recordEvents('test/golden/for-nested-iterations/workflow.yaml', input);
    expect(render(events)).toMatchInlineSnapshot(`
      "✓ golden.for-nested-iterations@1.0.0  completed  300 ms
        ✓ rows             completed    250 ms  /do/0/rows
          ✓ cells [0]      completed    110 ms  /do/0/rows/do/0/cells
            ✓ visit [0.0]  completed     20 ms  /do/0/rows/do/0/cells/do/0/visit
            ✓ visit [0.1]  completed     20 ms  /do/0/rows/do/0/cells/do/0/visit
          ✓ cells [1]      completed     70 ms  /do/0/rows/do/0/cells
            ✓ visit [1.0]  completed     20 ms  /do/0/rows/do/0/cells/do/0/visit"
    `);
    expect(render(upTo(events, 16))).toMatchInlineSnapshot(`
      "▶ golden.for-nested-iterations@1.0.0  running  125 ms
        ▶ rows             running       85 ms  /do/0/rows
          ▶ cells [0]      running       55 ms  /do/0/rows/do/0/cells
            ✓ visit [0.0]  completed     20 ms  /do/0/rows/do/0/cells/do/0/visit"
    `);
  });

  it('shows attempts of a retried try and the error of the attempt that faulted', async () => {
    const events = await recordEvents('test/golden/try-retry-count-exhausted/workflow.yaml');
    expect(render(events)).toMatchInlineSnapshot(`
      "✓ golden.try-retry-count-exhausted@1.0.0  completed  220 ms
        ✓ doomed    completed    170 ms  3 attempts  /do/0/doomed
          ✗ fail    faulted       10 ms  3 attempts  /do/0/doomed/try/0/fail  communication 503: always down
          ✓ giveUp  completed     20 ms  /do/0/doomed/catch/do/0/giveUp"
    `);
  });

  it('shows a faulted workflow with the faulted task and its error', async () => {
    const events = await recordEvents('test/golden/try-catch-uncaught/workflow.yaml');
    expect(render(events)).toMatchInlineSnapshot(`
      "✗ golden.try-catch-uncaught@1.0.0  faulted  90 ms
        ✗ guarded  faulted       40 ms  /do/0/guarded  communication 503
          ✗ fail   faulted       10 ms  /do/0/guarded/try/0/fail  communication 503"
    `);
  });

  it('draws the example order pipeline: loop, switch jump, fork branches, retried call', async () => {
    const input = JSON.parse(readFileSync('examples/order.json', 'utf8'));
    const events = await recordEvents('examples/order-pipeline.yaml', input);
    expect(render(events)).toMatchInlineSnapshot(`
      "✓ examples.order-pipeline@1.0.0  completed  590 ms
        ✓ priceItems                   completed    110 ms  /do/0/priceItems
          ✓ addLine [0]                completed     20 ms  /do/0/priceItems/do/0/addLine
          ✓ addLine [1]                completed     20 ms  /do/0/priceItems/do/0/addLine
        ✓ chooseShipping               completed     20 ms  /do/1/chooseShipping
        ✓ freeShipping                 completed     20 ms  /do/2/freeShipping
        ✓ checkStock                   completed    100 ms  /do/4/checkStock
          ✓ warehouseNorth (branch 0)  completed     60 ms  /do/4/checkStock/fork/branches/0/warehouseNorth
          ✓ warehouseSouth (branch 1)  completed     20 ms  /do/4/checkStock/fork/branches/1/warehouseSouth
        ✓ reserve                      completed    170 ms  3 attempts  /do/5/reserve
          ✗ confirmReservation         faulted       10 ms  3 attempts  /do/5/reserve/try/0/confirmReservation  communication 503
          ✓ noteDelay                  completed     20 ms  /do/5/reserve/catch/do/0/noteDelay
        ✓ announce                     completed     20 ms  /do/6/announce"
    `);
  });

  it('folds finished tasks away first when the tree is taller than the screen', async () => {
    const input = { grid: [['a', 'b'], ['c']], visited: [] };
    const events = await recordEvents('test/golden/for-nested-iterations/workflow.yaml', input);
    // Five lines: the header, what was folded away, and every task still running.
    expect(render(upTo(events, 24), 5)).toMatchInlineSnapshot(`
      "▶ golden.for-nested-iterations@1.0.0  running  205 ms
        … 2 finished tasks not shown
        ▶ rows             running      165 ms  /do/0/rows
            ✓ visit [0.1]  completed     20 ms  /do/0/rows/do/0/cells/do/0/visit
          ▶ cells [1]      running        5 ms  /do/0/rows/do/0/cells"
    `);
  });

  it('ignores an event delivered twice, so a resumed stream draws the same tree', async () => {
    const events = await recordEvents('test/golden/fork-all/workflow.yaml');
    const tree = foldTaskTree(events);
    for (const event of events.slice(5)) applyEvent(tree, event);
    expect(renderTaskTree(tree, { now: at(events), colour: false })).toBe(render(events));
  });

  it('colours only when asked', async () => {
    const events = await recordEvents('test/golden/fork-all/workflow.yaml');
    const tree = foldTaskTree(events);
    expect(renderTaskTree(tree, { now: CLOCK_START, colour: true })).toContain('\u001b[32m✓');
    expect(renderTaskTree(tree, { now: CLOCK_START, colour: false })).not.toContain('\u001b[');
  });

  it('formats durations for people', () => {
    expect([850, 12_345, 245_000].map(formatDuration)).toEqual(['850 ms', '12.3 s', '4m 05s']);
  });
});
