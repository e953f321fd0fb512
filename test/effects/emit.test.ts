import { describe, expect, it } from 'vitest';
import { InProcessEventBus } from '../../src/bus/in-process-bus.ts';
import type { EventBus } from '../../src/bus/event-bus.ts';
import { isCancelledError, isWorkflowError } from '../../src/core/errors.ts';
import type { JsonObject } from '../../src/core/json.ts';
import { performEffect } from '../../src/effects/perform-effect.ts';
import { testContext } from './effect-test-context.ts';

const event: JsonObject = {
  specversion: '1.0',
  id: 'evt-1',
  source: 'https://fake-source.com',
  type: 'com.fake-source.user.greeted.v1',
  time: '2026-11-25T00:00:00.000Z',
  data: { greetings: 'Hello John Doe!' },
};

describe('emit effect', () => {
  it('publishes the event to subscribers and returns it as the output', async () => {
    const bus = new InProcessEventBus();
    const received: JsonObject[] = [];
    bus.subscribe((published) => received.push(published));
    const output = await performEffect({ kind: 'emit', event }, testContext({ bus }));
    expect(output).toEqual(event);
    expect(received).toEqual([event]);
  });

  it('a throwing listener neither fails the publisher nor starves other listeners', async () => {
    const failures: unknown[] = [];
    const bus = new InProcessEventBus({ onListenerError: (error) => failures.push(error) });
    const received: JsonObject[] = [];
    bus.subscribe(() => {
      throw new Error('listener broke');
    });
    bus.subscribe((published) => received.push(published));
    await performEffect({ kind: 'emit', event }, testContext({ bus }));
    expect(received).toHaveLength(1);
    expect(failures).toHaveLength(1);
  });

  it('stops delivering after unsubscribe', async () => {
    const bus = new InProcessEventBus();
    const received: JsonObject[] = [];
    const unsubscribe = bus.subscribe((published) => received.push(published));
    await bus.publish(event);
    unsubscribe();
    await bus.publish(event);
    expect(received).toHaveLength(1);
  });

  it('rejects with CancelledError and publishes nothing when already cancelled', async () => {
    const bus = new InProcessEventBus();
    const received: JsonObject[] = [];
    bus.subscribe((published) => received.push(published));
    const context = testContext({ bus });
    context.controller.abort();
    const error = await performEffect({ kind: 'emit', event }, context).then(() => undefined, (reason: unknown) => reason);
    expect(isCancelledError(error)).toBe(true);
    expect(received).toEqual([]);
  });

  it('a bus that fails to publish faults the emit with a communication error', async () => {
    const broken: EventBus = {
      publish: async () => {
        throw new Error('broker unreachable');
      },
      subscribe: () => () => undefined,
    };
    const error = await performEffect({ kind: 'emit', event }, testContext({ bus: broken })).then(() => undefined, (reason: unknown) => reason);
    expect(isWorkflowError(error) && error.problem).toMatchObject({ status: 500, detail: expect.stringContaining('broker unreachable') });
  });

  it('an unknown effect kind (e.g. from a bad activity input) is a configuration error', async () => {
    const request = { kind: 'teleport' } as unknown as Parameters<typeof performEffect>[0];
    const error = await performEffect(request, testContext()).then(() => undefined, (reason: unknown) => reason);
    expect(isWorkflowError(error) && error.problem).toMatchObject({ status: 400, detail: 'unknown effect kind "teleport"' });
  });
});
