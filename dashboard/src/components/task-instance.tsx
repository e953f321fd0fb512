import type { TaskNode } from '../../../src/cli/views/task-tree-state.ts';
import { formatDuration } from '../time.ts';
import { AttemptsList } from './attempts-list.tsx';
import { JsonView } from './json-view.tsx';
import { StatusBadge } from './status-badge.tsx';

/** One instance of a task (a loop iteration, a fork branch, or the task itself). */
export function TaskInstance({ instance, now, open }: { instance: TaskNode; now: number; open: boolean }) {
  return (
    <section className="instance" data-iteration={instance.iteration ?? ''}>
      <div className="instance-head">
        <StatusBadge status={instance.status} />
        {instance.iteration !== undefined ? <span>iteration {instance.iteration}</span> : null}
        {instance.branch !== undefined ? <span>branch {instance.branch}</span> : null}
        {instance.items !== undefined ? <span className="muted">{instance.items} items</span> : null}
        <span className="muted">{instance.attempts > 1 ? `${instance.attempts} attempts` : ''}</span>
        <span className="muted">{instance.startedAt !== undefined ? formatDuration((instance.endedAt ?? now) - instance.startedAt) : ''}</span>
      </div>
      <AttemptsList attempts={instance.failedAttempts} />
      <JsonView title="input" value={instance.input} uri={instance.inputUri} open={open} />
      <JsonView title="output" value={instance.output} uri={instance.outputUri} open={open} />
      <JsonView title="received events" value={instance.consumedEvents} open={open} testId="consumed-events" />
      <JsonView title="error" value={instance.error} open={open} />
    </section>
  );
}
