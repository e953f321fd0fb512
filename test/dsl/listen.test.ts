import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/core/json.ts';
import type { ProgressEvent } from '../../src/core/events.ts';
import { InProcessEventBus } from '../../src/bus/in-process-bus.ts';
import { loadDefaultEngine } from '../../src/jq/node/engine-choice.ts';
import { runLocal } from '../../src/hosts/local/run-local.ts';
import { loadWorkflow } from '../../src/loader/load-workflow.ts';
import { runDslWorkflow } from './dsl-helpers.ts';

const CORRELATION_STARTED = 'io.serverlessworkflow.workflow.correlation-started.v1';
const CORRELATION_COMPLETED = 'io.serverlessworkflow.workflow.correlation-completed.v1';

let counter = 0;
function cloudEvent(type: string, fields: JsonObject = {}): JsonObject {
  counter += 1;
  return { specversion: '1.0', id: `evt-${counter}`, source: 'urn:test', type, ...fields };
}

/** Runs a workflow and publishes `events` on its bus once the listen has started (its correlation-started event). */
async function runWithEvents(name: string, input: JsonObject, events: JsonObject[]) {
  const bus = new InProcessEventBus();
  const progress: ProgressEvent[] = [];
  const result = await runDslWorkflow(name, input, {
    bus,
    onEvent: (event) => {
      progress.push(event);
      if (event.type === CORRELATION_STARTED) setImmediate(() => events.forEach((item) => void bus.publish(item)));
    },
  });
  return { result, progress };
}

describe('listen', () => {
  it('consumes an event emitted by another fork branch (in-process bus)', async () => {
    const result = await runDslWorkflow('listen-fork-emit', { orderId: 'o-7' });
    expect(result.status).toBe('completed');
    const [consumed, emitted] = result.output as [JsonObject[], JsonObject];
    expect(consumed).toEqual([{ orderId: 'o-7' }]);
    expect(emitted).toMatchObject({ type: 'com.example.order.placed', data: { orderId: 'o-7' } });
  });

  it('waits for all filters, skipping events whose data predicate or correlation key does not match', async () => {
    const { result, progress } = await runWithEvents('listen-all-correlated', { patientId: 'p1' }, [
      cloudEvent('com.fake-hospital.vitals.measurements.temperature', { data: { patientId: 'p1', temperature: 37 } }),
      cloudEvent('com.fake-hospital.vitals.measurements.bpm', { data: { patientId: 'p2', bpm: 40 } }),
      cloudEvent('com.fake-hospital.vitals.measurements.bpm', { data: { patientId: 'p1', bpm: 120 } }),
      cloudEvent('com.fake-hospital.vitals.measurements.temperature', { data: { patientId: 'p1', temperature: 39.5 } }),
    ]);
    expect(result.status).toBe('completed');
    expect(result.output).toEqual([
      { type: 'com.fake-hospital.vitals.measurements.bpm', data: { patientId: 'p1', bpm: 120 } },
      { type: 'com.fake-hospital.vitals.measurements.temperature', data: { patientId: 'p1', temperature: 39.5 } },
    ]);
    const lifecycle = progress.filter((event) => event.type === CORRELATION_STARTED || event.type === CORRELATION_COMPLETED);
    expect(lifecycle.map((event) => [event.type, event.subject])).toEqual([
      [CORRELATION_STARTED, '/do/0/awaitVitals'],
      [CORRELATION_COMPLETED, '/do/0/awaitVitals'],
    ]);
    expect(lifecycle[1]!.data).toMatchObject({ name: expect.stringContaining('listen-all-correlated-'), correlationKeys: { patient: 'p1' } });
    // The task's state holds the consumed CloudEvents as received, whatever the output keeps of them.
    const state = progress.find((event) => event.type === 'io.cairn.task.state.v1' && event.subject === '/do/0/awaitVitals')!;
    expect(state.data.consumedEvents).toEqual([
      expect.objectContaining({ specversion: '1.0', source: 'urn:test', type: 'com.fake-hospital.vitals.measurements.bpm', data: { patientId: 'p1', bpm: 120 } }),
      expect.objectContaining({ type: 'com.fake-hospital.vitals.measurements.temperature', data: { patientId: 'p1', temperature: 39.5 } }),
    ]);
  });

  it('reports the consumed events with secret values redacted', async () => {
    const bus = new InProcessEventBus();
    const progress: ProgressEvent[] = [];
    const document = `document: { dsl: '1.0.3', namespace: test, name: listen-secret, version: '1.0.0' }
use: { secrets: [apiKey] }
do:
  - hear:
      listen:
        to:
          one:
            with: { type: com.example.key }
      output:
        as: '\${ length }'
`;
    const engine = await loadDefaultEngine();
    const result = await runLocal(loadWorkflow(document, 'listen-secret.yaml', { engine }), {}, {
      bus,
      engine,
      secrets: { apiKey: 's3cr3t-value' },
      onEvent: (event) => {
        progress.push(event);
        if (event.type === CORRELATION_STARTED) setImmediate(() => void bus.publish(cloudEvent('com.example.key', { data: { key: 's3cr3t-value', note: 'ok' } })));
      },
    });
    expect(result.output).toBe(1);
    const state = progress.find((event) => event.type === 'io.cairn.task.state.v1')!;
    expect(state.data.consumedEvents).toEqual([expect.objectContaining({ type: 'com.example.key', data: { key: expect.not.stringContaining('s3cr3t'), note: 'ok' } })]);
    expect(JSON.stringify(progress)).not.toContain('s3cr3t-value');
  });

  it('uses the first extracted value as the expectation when correlate has no expect', async () => {
    const { result } = await runWithEvents('listen-correlate-first', {}, [
      cloudEvent('com.example.request', { id: 'req-a', subject: 'conv-1' }),
      cloudEvent('com.example.reply', { id: 'reply-b', subject: 'conv-2' }),
      cloudEvent('com.example.reply', { id: 'reply-a', subject: 'conv-1' }),
    ]);
    expect(result.output).toEqual(['req-a', 'reply-a']);
  });

  it('with any + until expression runs foreach for each event in arrival order, with output.as and export.as', async () => {
    const { result } = await runWithEvents('listen-any-until', {}, [
      cloudEvent('com.example.reading', { data: { value: 1 } }),
      cloudEvent('com.example.other', { data: { value: 99 } }),
      cloudEvent('com.example.reading', { data: { value: 2, last: true } }),
      cloudEvent('com.example.reading', { data: { value: 3 } }),
    ]);
    expect(result.status).toBe('completed');
    expect(result.output).toEqual({ values: [10, 20], seen: 2 });
  });

  it('with any: [] + until events consumes every event until the until event, which is not in the output (read raw)', async () => {
    const { result } = await runWithEvents('listen-any-until-events', {}, [
      cloudEvent('com.example.a', { data: { n: 1 } }),
      cloudEvent('com.example.b', { data: 'text' }),
      cloudEvent('com.example.stop', { data: { n: 3 } }),
      cloudEvent('com.example.c', { data: { n: 4 } }),
    ]);
    expect(result.output).toEqual(['{"n":1}', 'text']);
  });

  it('faults with a timeout error (408) when no event arrives within the task timeout', async () => {
    const result = await runDslWorkflow('listen-timeout');
    expect(result.status).toBe('faulted');
    expect(result.error).toMatchObject({ status: 408, instance: '/do/0/waitForever' });
  });
});
