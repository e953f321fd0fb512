import type { Json } from '../../../src/core/json.ts';
import type { PointerSummary } from '../live/task-status.ts';
import { formatDuration } from '../time.ts';
import { StatusBadge } from './status-badge.tsx';

function JsonBlock({ title, value }: { title: string; value: Json | undefined }) {
  if (value === undefined) return null;
  return (
    <details open className={`json-block json-${title}`}>
      <summary>{title}</summary>
      <pre data-testid={`task-${title}`}>{JSON.stringify(value, null, 2)}</pre>
    </details>
  );
}

/** A loop of thousands of iterations shows its latest instances only. */
const MAX_INSTANCES = 25;

/** Everything known about one task: each instance (iteration, fork branch) with status, attempts, duration, input, output and error. */
export function TaskPanel({ pointer, summary, now }: { pointer: string; summary: PointerSummary | undefined; now: number }) {
  return (
    <aside className="card task-panel" data-testid="task-panel" data-pointer={pointer}>
      <h3>{pointer.slice(pointer.lastIndexOf('/') + 1)}</h3>
      <code className="muted pointer">{pointer}</code>
      {!summary ? <p className="muted">Not reached yet.</p> : null}
      {summary && summary.instances.length > MAX_INSTANCES ? <p className="muted">{summary.instances.length - MAX_INSTANCES} earlier instances not shown.</p> : null}
      {summary?.instances.slice(-MAX_INSTANCES).map((instance) => (
        <section key={instance.iteration ?? ''} className="instance" data-iteration={instance.iteration ?? ''}>
          <div className="instance-head">
            <StatusBadge status={instance.status} />
            {instance.iteration !== undefined ? <span>iteration {instance.iteration}</span> : null}
            {instance.branch !== undefined ? <span>branch {instance.branch}</span> : null}
            <span className="muted">{instance.attempts > 1 ? `${instance.attempts} attempts` : instance.attempts === 1 ? '1 attempt' : ''}</span>
            <span className="muted">{instance.startedAt !== undefined ? formatDuration((instance.endedAt ?? now) - instance.startedAt) : ''}</span>
          </div>
          <JsonBlock title="input" value={instance.input} />
          <JsonBlock title="output" value={instance.output} />
          <JsonBlock title="error" value={instance.error} />
        </section>
      ))}
    </aside>
  );
}
