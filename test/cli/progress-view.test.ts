import { spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../src/core/events.ts';
import { createProgressView } from '../../src/cli/views/progress-view.ts';
import { foldTaskTree } from '../../src/cli/views/task-tree-state.ts';
import { renderTaskTree } from '../../src/cli/views/task-tree.ts';
import { recordEvents } from './recorded-events.ts';

/** A stream that records what is written; `tty` makes it claim to be a terminal. */
function captureStream(tty: boolean) {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  }) as Writable & { isTTY?: boolean; rows?: number; columns?: number };
  if (tty) Object.assign(stream, { isTTY: true, rows: 40, columns: 160 });
  return { stream, text: () => chunks.join('') };
}

function play(events: ProgressEvent[], tty: boolean, json = false): string {
  const { stream, text } = captureStream(tty);
  const view = createProgressView({ stream, json });
  for (const event of events) view.onEvent(event);
  view.finish();
  return text();
}

describe('progress view', () => {
  it('prints one plain line per task transition when the stream is not a terminal', async () => {
    const events = await recordEvents('test/golden/fork-all/workflow.yaml');
    const lines = play(events, false).trimEnd().split('\n');
    expect(lines).toEqual([
      '▶ gather /do/0/gather',
      '  ▶ slow (branch 0) /do/0/gather/fork/branches/0/slow',
      '    ▶ nap /do/0/gather/fork/branches/0/slow/do/0/nap',
      '  ▶ fast (branch 1) /do/0/gather/fork/branches/1/fast',
      '  ✓ fast (branch 1) 20 ms',
      '    ✓ nap 60 ms',
      '    ▶ answer /do/0/gather/fork/branches/0/slow/do/1/answer',
      '    ✓ answer 20 ms',
      '  ✓ slow (branch 0) 140 ms',
      '✓ gather 180 ms',
    ]);
    expect(lines.join('\n')).not.toContain('\u001b[');
  });

  it('says which attempt a retried task is on and why the last one faulted', async () => {
    const lines = play(await recordEvents('test/golden/try-retry-count-exhausted/workflow.yaml'), false).trimEnd().split('\n');
    expect(lines).toEqual([
      '▶ doomed /do/0/doomed',
      '  ▶ fail /do/0/doomed/try/0/fail',
      '  ✗ fail 10 ms https://serverlessworkflow.io/spec/1.0.0/errors/communication 503',
      '↻ doomed retrying (attempt 2)',
      '  ▶ fail /do/0/doomed/try/0/fail attempt 2',
      '  ✗ fail 10 ms https://serverlessworkflow.io/spec/1.0.0/errors/communication 503',
      '↻ doomed retrying (attempt 3)',
      '  ▶ fail /do/0/doomed/try/0/fail attempt 3',
      '  ✗ fail 10 ms https://serverlessworkflow.io/spec/1.0.0/errors/communication 503',
      '  ▶ giveUp /do/0/doomed/catch/do/0/giveUp',
      '  ✓ giveUp 20 ms',
      '✓ doomed 170 ms',
    ]);
  });

  it('prints every event as one NDJSON line with --json, in sequence order', async () => {
    const events = await recordEvents('test/golden/for-nested-iterations/workflow.yaml', { grid: [['a']], visited: [] });
    const printed = play(events, true, true).trimEnd().split('\n').map((line) => JSON.parse(line) as ProgressEvent);
    expect(printed).toEqual(events);
  });

  it('redraws the tree in place on a terminal and leaves the final tree on screen', async () => {
    const events = await recordEvents('test/golden/fork-all/workflow.yaml');
    const output = play(events, true);
    // log-update erases the previous frame (cursor up + erase line) before drawing the next.
    expect(output).toMatch(/\u001b\[2K/);
    const finalTree = renderTaskTree(foldTaskTree(events), { now: 0, colour: true });
    const lastFrame = output.slice(output.lastIndexOf('golden.fork-all') - 20);
    expect(lastFrame).toContain(finalTree.split('\n').at(-1)!);
    expect(output.trimEnd().endsWith(finalTree.split('\n').at(-1)!)).toBe(true);
  });
});

describe('cairn run progress on stderr', () => {
  const cairn = (args: string[]) => spawnSync(process.execPath, ['bin/cairn.js', ...args], { encoding: 'utf8', timeout: 60_000 });

  it('--json prints the events as NDJSON on stderr and keeps stdout for the output', () => {
    const result = cairn(['run', 'test/golden/fork-all/workflow.yaml', '--json']);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([{ from: 'slow' }, { from: 'fast' }]);
    const events = result.stderr.trimEnd().split('\n').map((line) => JSON.parse(line) as ProgressEvent);
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
    expect(events.at(-2)!.type).toBe('io.serverlessworkflow.workflow.completed.v1');
  });

  it('prints plain task lines when stderr is a pipe', () => {
    const result = cairn(['run', 'test/golden/fork-all/workflow.yaml']);
    expect(result.status).toBe(0);
    expect(result.stderr).toContain('✓ gather');
    expect(result.stderr).not.toContain('\u001b[');
  });
});
