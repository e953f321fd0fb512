import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { EVENT_TYPES } from '../../src/core/events.ts';
import { openStore } from '../../src/store/open-store.ts';
import { progressEvent } from '../store/events.ts';
import { auth, metricSeries, startTestService } from './service-fixture.ts';

it('marks faulted the runs its embedded engine had when the previous process stopped, and only those', async () => {
  const location = join(mkdtempSync(join(tmpdir(), 'cairn-interrupted-')), 'cairn.db');
  const before = await openStore(location);
  const base = { workflow: { namespace: 't', name: 'w', version: '1' }, document: '', input: {}, createdAt: '2026-01-01T00:00:00.000Z' };
  await before.createExecution({ ...base, id: 'was-running', engine: 'local' });
  await before.appendEvents([progressEvent('was-running', 1, EVENT_TYPES.workflowStarted)]);
  await before.createExecution({ ...base, id: 'reported-elsewhere' });
  await before.appendEvents([progressEvent('reported-elsewhere', 1, EVENT_TYPES.workflowStarted)]);
  await before.close();

  const service = await startTestService({ location, endInterruptedExecutions: true });
  try {
    expect(await service.store.getExecution('was-running')).toMatchObject({ status: 'faulted', error: { title: 'Interrupted', status: 503 } });
    expect((await service.store.getExecution('reported-elsewhere'))?.status).toBe('running');
    // Nobody runs it here: cancelling it only records its end.
    expect((await service.app.inject({ method: 'POST', url: '/v1/executions/reported-elsewhere/cancel', headers: auth })).statusCode).toBe(200);
    expect((await service.store.getExecution('reported-elsewhere'))?.status).toBe('cancelled');
    // Both ends count, though no run reported them.
    const metrics = await metricSeries(service.app);
    expect(metrics('cairn_executions_faulted_total{workflow="t/w"}')).toBe(1);
    expect(metrics('cairn_executions_cancelled_total{workflow="t/w"}')).toBe(1);
  } finally {
    await service.close();
  }
});
