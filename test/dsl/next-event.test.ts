import { describe, expect, it } from 'vitest';
import { InProcessEventBus } from '../../src/bus/in-process-bus.ts';
import { isCancelledError } from '../../src/core/errors.ts';
import { createLocalHost } from '../../src/hosts/local/local-host.ts';

function localHost() {
  const bus = new InProcessEventBus();
  return { bus, host: createLocalHost({ onEvent: () => undefined, bus }) };
}

describe('Host.nextEvent on the local host', () => {
  it('sees only events published after the scope first asked, buffers the ones that arrive between calls, in order', async () => {
    const { bus, host } = localHost();
    const scope = host.rootScope.child();
    await bus.publish({ id: 'before' });
    const first = host.nextEvent!(scope);
    await bus.publish({ id: 'a' });
    await bus.publish({ id: 'b' });
    await bus.publish({ id: 'c' });
    expect(await first).toEqual({ id: 'a' });
    expect(await host.nextEvent!(scope)).toEqual({ id: 'b' });
    expect(await host.nextEvent!(scope)).toEqual({ id: 'c' });
  });

  it('resolves undefined when the timeout passes first, and rejects with CancelledError when the scope is cancelled', async () => {
    const { bus, host } = localHost();
    const scope = host.rootScope.child();
    expect(await host.nextEvent!(scope, 20)).toBeUndefined();
    const waiting = host.nextEvent!(scope);
    scope.cancel('done');
    await expect(waiting).rejects.toSatisfy(isCancelledError);
    // A cancelled scope no longer listens: publishing afterwards reaches nobody.
    await bus.publish({ id: 'late' });
    await expect(host.nextEvent!(scope)).rejects.toSatisfy(isCancelledError);
  });
});
