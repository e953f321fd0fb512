import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../src/core/events.ts';
import { createMetrics } from '../../src/service/metrics.ts';
import { MAX_WORKFLOW_LABELS, ProgressMetrics } from '../../src/service/progress-metrics.ts';
import { progressEvent } from '../store/events.ts';

describe('the workflow label of the execution series', () => {
  it('takes at most MAX_WORKFLOW_LABELS values, whatever names the documents sent to the service give; later workflows count as "other"', async () => {
    const metrics = createMetrics();
    const progress = new ProgressMetrics(metrics);
    const workflows = MAX_WORKFLOW_LABELS + 50;
    for (let index = 0; index < workflows; index++) {
      const id = `execution-${index}`;
      progress.track(id, { namespace: 'hostile', name: `name-${index}` });
      progress.observe([progressEvent(id, 1, EVENT_TYPES.workflowStarted)], Date.now());
    }
    // A name longer than any a valid document can have (63 characters each side of the slash) is not a label either.
    progress.track('long', { namespace: 'hostile', name: 'x'.repeat(10_000) });
    progress.observe([progressEvent('long', 1, EVENT_TYPES.workflowStarted)], Date.now());

    const started = (await metrics.registry.getSingleMetricAsString('cairn_executions_started_total')).split('\n').filter((line) => line.startsWith('cairn_executions_started_total{'));
    expect(started).toHaveLength(MAX_WORKFLOW_LABELS + 1);
    expect(started).toContain('cairn_executions_started_total{workflow="hostile/name-0"} 1');
    expect(started).toContain('cairn_executions_started_total{workflow="other"} 51');
  });
});

describe('the events an execution reports', () => {
  it('count once each, out of order (a gap filled later) or sent again', async () => {
    const metrics = createMetrics();
    const progress = new ProgressMetrics(metrics);
    progress.track('e', { namespace: 'ns', name: 'w' });
    const events = [
      progressEvent('e', 1, EVENT_TYPES.workflowStarted),
      progressEvent('e', 2, EVENT_TYPES.taskStarted, { subject: '/do/0/a' }),
      progressEvent('e', 3, EVENT_TYPES.taskCompleted, { subject: '/do/0/a' }),
      progressEvent('e', 4, EVENT_TYPES.taskRetried, { subject: '/do/1/b' }),
    ];
    progress.observe([events[0]!, events[3]!], Date.now());
    progress.observe([events[3]!, events[1]!, events[2]!], Date.now());
    progress.observe(events, Date.now());
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/^cairn_executions_started_total\{workflow="ns\/w"\} 1$/m);
    expect(text).toMatch(/^cairn_task_retries_total\{workflow="ns\/w"\} 1$/m);
    expect(text).toMatch(/^cairn_task_duration_seconds_count\{kind="unknown",status="completed"\} 1$/m);
    expect(text).toMatch(/^cairn_progress_report_lag_seconds_count 4$/m);
  });

  it("keep no memory per event for a long execution's life (a hostile document can loop for ever)", () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const progress = new ProgressMetrics(createMetrics());
    progress.track('long', { namespace: 'ns', name: 'loop' });
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let seq = 1; seq <= 1_000_000; seq += 1_000) progress.observe(Array.from({ length: 1_000 }, (_, index) => progressEvent('long', seq + index, EVENT_TYPES.taskState)), Date.now());
    gc();
    // ~21 bytes an event when every seq was kept: 21 MB here.
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(5_000_000);
  });
});
