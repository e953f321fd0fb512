import { describe, expect, it } from 'vitest';
import type { WorkflowDocument } from '../../src/core/model.ts';
import type { ProgressEvent } from '../../src/core/events.ts';
import { runLocal } from '../../src/hosts/local/run-local.ts';
import { LocalSuspension } from '../../src/hosts/local/suspension.ts';

const document: WorkflowDocument = {
  document: { dsl: '1.0.3', namespace: 'test', name: 'suspend', version: '1.0.0' },
  do: [
    { first: { set: { step: 1 } } },
    { pause: { wait: { milliseconds: 50 } } },
    { second: { set: { step: 2 } } },
  ],
};

const started = (events: ProgressEvent[], name: string) => events.some((event) => event.type === 'io.serverlessworkflow.task.started.v1' && event.subject?.endsWith(name));

describe('local host suspension', () => {
  it('starts no new task while suspended, reports suspended/resumed once, and finishes after resume', async () => {
    const suspension = new LocalSuspension();
    const events: ProgressEvent[] = [];
    let resolveWaiting!: () => void;
    const waiting = new Promise<void>((resolve) => (resolveWaiting = resolve));
    const run = runLocal(document, {}, {
      suspension,
      onEvent: (event) => {
        events.push(event);
        if (event.type === 'io.serverlessworkflow.task.started.v1' && event.subject === '/do/1/pause') suspension.suspend();
        if (event.type === 'io.serverlessworkflow.workflow.suspended.v1') resolveWaiting();
      },
    });
    await waiting;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(started(events, 'second')).toBe(false);
    suspension.resume();
    const result = await run;
    expect(result.status).toBe('completed');
    expect(result.output).toEqual({ step: 2 });
    const types = result.events.map((event) => event.type);
    expect(types.filter((type) => type.endsWith('workflow.suspended.v1'))).toHaveLength(1);
    expect(types.filter((type) => type.endsWith('workflow.resumed.v1'))).toHaveLength(1);
    expect(types.indexOf('io.serverlessworkflow.workflow.resumed.v1')).toBeLessThan(
      result.events.findIndex((event) => event.type === 'io.serverlessworkflow.task.started.v1' && event.subject === '/do/2/second'),
    );
  });

  it('cancels an execution that waits while suspended', async () => {
    const suspension = new LocalSuspension();
    suspension.suspend();
    const cancel = new AbortController();
    const run = runLocal(document, {}, { suspension, signal: cancel.signal });
    setTimeout(() => cancel.abort(), 50);
    const result = await run;
    expect(result.status).toBe('cancelled');
    expect(result.events.some((event) => event.type === 'io.serverlessworkflow.workflow.cancelled.v1')).toBe(true);
  });
});

describe('local host checkpoint', () => {
  it('lets a cancel request through to a workflow that loops forever through pure tasks', async () => {
    const loop: WorkflowDocument = {
      document: { dsl: '1.0.3', namespace: 'test', name: 'forever', version: '1.0.0' },
      do: [{ spin: { set: { n: '${ (.n // 0) + 1 }' }, then: 'spin' } }],
    };
    const cancel = new AbortController();
    setTimeout(() => cancel.abort(), 200);
    const result = await runLocal(loop, {}, { signal: cancel.signal });
    expect(result.status).toBe('cancelled');
    expect(result.events.filter((event) => event.type === 'io.serverlessworkflow.task.completed.v1').length).toBeGreaterThan(0);
  });

  it('lets a workflow timeout fire in a pure loop', async () => {
    const loop: WorkflowDocument = {
      document: { dsl: '1.0.3', namespace: 'test', name: 'forever', version: '1.0.0' },
      timeout: { after: { milliseconds: 200 } },
      do: [{ spin: { set: { n: '${ (.n // 0) + 1 }' }, then: 'spin' } }],
    };
    const result = await runLocal(loop, {});
    expect(result.status).toBe('faulted');
    expect(result.error).toMatchObject({ type: 'https://serverlessworkflow.io/spec/1.0.0/errors/timeout', status: 408 });
  });
});
