import { useEffect, useMemo, useState } from 'react';
import type { WorkflowStatus } from '../../../src/core/events.ts';
import { listExecutions, openExecutionsStream, type ExecutionFilter, type ExecutionRecord } from '../api.ts';
import { StartRun } from '../components/start-run.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { navigate } from '../router.ts';
import { formatTime, sinceLabel } from '../time.ts';

const STATUSES: WorkflowStatus[] = ['pending', 'running', 'waiting', 'suspended', 'completed', 'faulted', 'cancelled'];
const workflowKey = (execution: ExecutionRecord) => `${execution.workflow.namespace}/${execution.workflow.name}`;

function matches(execution: ExecutionRecord, filter: ExecutionFilter): boolean {
  return (!filter.workflow || workflowKey(execution) === filter.workflow) && (!filter.status || execution.status === filter.status);
}

/** Every execution, newest first, kept current by the service's list stream (the tab's one stream on this page). */
export function ExecutionsPage() {
  const [executions, setExecutions] = useState(new Map<string, ExecutionRecord>());
  const [filter, setFilter] = useState<ExecutionFilter>({});
  const [error, setError] = useState<string>();

  useEffect(() => {
    let live = true;
    const source = openExecutionsStream((execution) => {
      setExecutions((current) => new Map(current).set(execution.id, { ...current.get(execution.id), ...execution }));
    });
    listExecutions({})
      .then((page) => {
        if (!live) return;
        setExecutions((current) => {
          const next = new Map(page.items.map((item) => [item.id, item]));
          // Updates that arrived on the stream while the page loaded are newer than the page.
          for (const [id, execution] of current) next.set(id, execution);
          return next;
        });
      })
      .catch((reason: Error) => setError(reason.message));
    return () => {
      live = false;
      source.close();
    };
  }, []);

  const workflows = useMemo(() => [...new Set([...executions.values()].map(workflowKey))].sort(), [executions]);
  const rows = [...executions.values()].filter((execution) => matches(execution, filter)).sort((a, b) => b.createdAt.localeCompare(a.createdAt));

  return (
    <div className="page">
      <StartRun />
      <section className="card">
        <div className="list-header">
          <h2>Executions</h2>
          <label>
            workflow
            <select name="filter-workflow" value={filter.workflow ?? ''} onChange={(event) => setFilter({ ...filter, workflow: event.target.value || undefined })}>
              <option value="">all</option>
              {workflows.map((workflow) => <option key={workflow}>{workflow}</option>)}
            </select>
          </label>
          <label>
            status
            <select name="filter-status" value={filter.status ?? ''} onChange={(event) => setFilter({ ...filter, status: (event.target.value || undefined) as WorkflowStatus | undefined })}>
              <option value="">all</option>
              {STATUSES.map((status) => <option key={status}>{status}</option>)}
            </select>
          </label>
          <span className="muted count">{rows.length} shown</span>
        </div>
        {error ? <p className="error" role="alert">{error}</p> : null}
        <table className="executions">
          <thead>
            <tr>
              <th>status</th>
              <th>workflow</th>
              <th>execution</th>
              <th>created</th>
              <th>updated</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((execution) => (
              <tr key={execution.id} data-execution={execution.id} onClick={() => navigate({ page: 'execution', id: execution.id })}>
                <td><StatusBadge status={execution.status} /></td>
                <td>{workflowKey(execution)}<span className="muted">@{execution.workflow.version}</span></td>
                <td><a href={`#/executions/${encodeURIComponent(execution.id)}`} onClick={(event) => event.stopPropagation()}><code>{execution.id}</code></a></td>
                <td>{formatTime(execution.createdAt)}</td>
                <td className="muted">{sinceLabel(execution.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {rows.length === 0 ? <p className="muted empty">No executions match.</p> : null}
      </section>
    </div>
  );
}
