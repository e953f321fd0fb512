import { useState } from 'react';
import type { JsonObject } from '../../../src/core/json.ts';
import { isJsonObject } from '../../../src/core/json.ts';
import type { PointerSummary } from '../live/task-status.ts';
import { ChildExecutions } from './child-executions.tsx';
import { ListenDetails } from './listen-details.tsx';
import { TaskInstance } from './task-instance.tsx';

const PAGE = 10;

/** Sorts "3" < "10" and "1.2" < "1.10": iteration paths compared level by level. */
const byIterationDesc = (a: string | undefined, b: string | undefined) => {
  const left = (a ?? '').split('.').map(Number);
  const right = (b ?? '').split('.').map(Number);
  for (let index = 0; index < Math.max(left.length, right.length); index += 1) {
    const difference = (right[index] ?? -1) - (left[index] ?? -1);
    if (difference !== 0) return difference;
  }
  return 0;
};

/** Everything known about one task: its instances newest first, ten a page, each with attempts, input, output and error. */
export function TaskPanel({ executionId, pointer, summary, definition, now }: { executionId: string; pointer: string; summary: PointerSummary | undefined; definition: JsonObject | undefined; now: number }) {
  const [page, setPage] = useState(0);
  const [iteration, setIteration] = useState('');
  const all = [...(summary?.instances ?? [])].sort((a, b) => byIterationDesc(a.iteration, b.iteration) || b.seq - a.seq);
  const matching = iteration.trim() ? all.filter((instance) => instance.iteration === iteration.trim()) : all;
  const pages = Math.max(1, Math.ceil(matching.length / PAGE));
  const current = Math.min(page, pages - 1);
  const shown = matching.slice(current * PAGE, current * PAGE + PAGE);
  const listen = definition && isJsonObject(definition.listen) ? definition.listen : undefined;
  const runsWorkflow = definition && isJsonObject(definition.run) && definition.run.workflow !== undefined;
  return (
    <aside className="card task-panel" data-testid="task-panel" data-pointer={pointer} aria-label="task details">
      <h2 className="panel-title">{pointer.slice(pointer.lastIndexOf('/') + 1)}</h2>
      <code className="muted pointer">{pointer}</code>
      {listen ? <ListenDetails listen={listen} waiting={summary?.status === 'waiting' || summary?.status === 'running'} /> : null}
      {!summary ? <p className="muted">Not reached yet.</p> : null}
      {runsWorkflow && summary ? <ChildExecutions parentId={executionId} pointer={pointer} refresh={`${summary.status}:${summary.instances.length}`} /> : null}
      {all.length > 1 ? (
        <div className="pager" data-testid="instance-pager">
          <label>
            iteration
            <input name="iteration" inputMode="numeric" size={6} value={iteration} onChange={(event) => { setIteration(event.target.value); setPage(0); }} placeholder="all" />
          </label>
          <button type="button" disabled={current === 0} onClick={() => setPage(current - 1)}>Newer</button>
          <span className="muted">{matching.length} instances · page {current + 1}/{pages}</span>
          <button type="button" disabled={current >= pages - 1} onClick={() => setPage(current + 1)}>Older</button>
        </div>
      ) : null}
      {shown.map((instance) => (
        <TaskInstance key={`${instance.iteration ?? ''}`} instance={instance} now={now} open={all.length === 1} />
      ))}
    </aside>
  );
}
