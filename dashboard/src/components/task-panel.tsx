import { useState } from 'react';
import type { JsonObject } from '../../../src/core/json.ts';
import { isJsonObject } from '../../../src/core/json.ts';
import type { PointerSummary } from '../live/task-status.ts';
import { useTaskInstances } from '../live/use-task-instances.ts';
import { ChildExecutions } from './child-executions.tsx';
import { ListenDetails } from './listen-details.tsx';
import { TaskInstance } from './task-instance.tsx';

const PAGE = 10;

/** A task run more than once (a loop body): its instances paged by the service, newest first, ten a page, or the one of an iteration. */
function PagedInstances({ executionId, pointer, summary, now }: { executionId: string; pointer: string; summary: PointerSummary; now: number }) {
  const [iteration, setIteration] = useState('');
  const paged = useTaskInstances(executionId, pointer, { pageSize: PAGE, iteration, refresh: `${summary.status}:${summary.instances.length}` });
  return (
    <>
      <div className="pager" data-testid="instance-pager" data-loading={paged.loading}>
        <label>
          iteration
          <input name="iteration" inputMode="numeric" size={6} value={iteration} onChange={(event) => setIteration(event.target.value)} placeholder="all" />
        </label>
        <button type="button" disabled={!paged.hasNewer || paged.loading} onClick={paged.newer}>Newer</button>
        <span className="muted">{summary.instances.length} instances</span>
        <button type="button" disabled={!paged.hasOlder || paged.loading} onClick={paged.older}>Older</button>
      </div>
      {paged.error ? <p className="error" role="alert">{paged.error}</p> : null}
      {!paged.loading && paged.instances.length === 0 ? <p className="muted">No such iteration.</p> : null}
      {paged.instances.map((instance) => (
        <TaskInstance key={instance.iteration ?? ''} instance={instance} now={now} open={false} />
      ))}
    </>
  );
}

/** Everything known about one task: its instances (paged when there are several), each with attempts, input, output and error. */
export function TaskPanel({ executionId, pointer, summary, definition, now }: { executionId: string; pointer: string; summary: PointerSummary | undefined; definition: JsonObject | undefined; now: number }) {
  const listen = definition && isJsonObject(definition.listen) ? definition.listen : undefined;
  const runsWorkflow = definition && isJsonObject(definition.run) && definition.run.workflow !== undefined;
  const only = summary?.instances.length === 1 ? summary.instances[0] : undefined;
  return (
    <aside className="card task-panel" data-testid="task-panel" data-pointer={pointer} aria-label="task details">
      <h2 className="panel-title">{pointer.slice(pointer.lastIndexOf('/') + 1)}</h2>
      <code className="muted pointer">{pointer}</code>
      {listen ? <ListenDetails listen={listen} waiting={summary?.status === 'waiting' || summary?.status === 'running'} /> : null}
      {!summary ? <p className="muted">Not reached yet.</p> : null}
      {runsWorkflow && summary ? <ChildExecutions parentId={executionId} pointer={pointer} refresh={`${summary.status}:${summary.instances.length}`} /> : null}
      {only ? <TaskInstance instance={only} now={now} open /> : null}
      {summary && !only ? <PagedInstances executionId={executionId} pointer={pointer} summary={summary} now={now} /> : null}
    </aside>
  );
}
