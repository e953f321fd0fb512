import { Writable } from 'node:stream';
import { DefaultLogger } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { workerLogLine } from '../../src/hosts/temporal/worker-log.ts';

/** A stream that keeps what is written, a terminal or not. */
function output(isTTY: boolean): Writable & { isTTY: boolean; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return Object.assign(stream, { isTTY, text: () => text });
}

const failure = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });

describe("the Temporal worker's log lines (cairn worker, cairn run --host temporal)", () => {
  it('are one JSON object per line off a terminal, naming the execution, with the error kept', () => {
    const stderr = output(false);
    const logger = new DefaultLogger('WARN', workerLogLine(stderr));
    logger.info('Worker state changed', { state: 'RUNNING' });
    logger.warn('Activity failed', { workflowId: 'exec-1', activityType: 'performEffect', attempt: 2, error: failure });
    const lines = stderr.text().split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    const record = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(record).toMatchObject({ level: 40, msg: 'Activity failed', executionId: 'exec-1', activityType: 'performEffect', attempt: 2 });
    expect(record.err).toMatchObject({ type: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:9', code: 'ECONNREFUSED' });
    expect(Math.abs(Number(record.time) - Date.now())).toBeLessThan(60_000);
  });

  it('keep the message and the execution when the metadata cannot be JSON (a cycle)', () => {
    const stderr = output(false);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    new DefaultLogger('WARN', workerLogLine(stderr)).warn('Odd metadata', { workflowId: 'exec-3', cycle, runId: 7n });
    expect(JSON.parse(stderr.text())).toMatchObject({ level: 40, msg: 'Odd metadata', executionId: 'exec-3' });
  });

  it('are one readable line each on a terminal', () => {
    const stderr = output(true);
    new DefaultLogger('WARN', workerLogLine(stderr)).error('Workflow task failed', { workflowId: 'exec-2' });
    const lines = stderr.text().split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('Workflow task failed');
    expect(lines[0]).toContain('exec-2');
    expect(lines[0]!.startsWith('{')).toBe(false);
  });
});
