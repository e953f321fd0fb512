import type { JsonObject } from '../../../src/core/json.ts';
import { firstListenFilter } from '../live/task-definition.ts';
import { JsonView } from './json-view.tsx';
import { SendEventForm } from './send-event-form.tsx';

/** What a `listen` task waits for, and a way to send it while it waits. */
export function ListenDetails({ listen, waiting }: { listen: JsonObject; waiting: boolean }) {
  return (
    <section className="listen" data-testid="listen">
      <JsonView title="waits for" value={listen.to} open testId="listen-filter" />
      {waiting ? <SendEventForm filter={firstListenFilter(listen)} /> : null}
    </section>
  );
}
