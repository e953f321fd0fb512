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
