import { useEffect, useMemo, useState } from 'react';
import { parse } from 'yaml';
import type { WorkflowDocument } from '../../../src/core/model.ts';
import { controlExecution } from '../api.ts';
import { GraphView } from '../components/graph-view.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { TaskPanel } from '../components/task-panel.tsx';
import { Timeline } from '../components/timeline.tsx';
import { buildWorkflowGraph } from '../graph/workflow-graph.ts';
import { summarizeByPointer } from '../live/task-status.ts';
import { useExecution } from '../live/use-execution.ts';
import { navigate } from '../router.ts';
import { formatDuration, formatTime } from '../time.ts';

const FINAL = new Set(['completed', 'faulted', 'cancelled']);

/** Ticks once a second while the run is live, so running durations advance without events. */
function useNow(live: boolean): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [live]);
  return now;
}

export function ExecutionPage({ id }: { id: string }) {
  const live = useExecution(id);
  const { tree, record } = live;
  const [selected, setSelected] = useState<string>();
  const [actionError, setActionError] = useState<string>();
  const status = tree.lastSeq > 0 && tree.status !== 'pending' ? tree.status : (record?.status ?? 'pending');
  const finished = FINAL.has(status) || (record !== undefined && FINAL.has(record.status));
  const shownStatus = record && FINAL.has(record.status) && !FINAL.has(status) ? record.status : status;
  // Renders happen per animation frame while events flow and each second otherwise: take the time of this one.
  const now = Math.max(useNow(!finished), Date.now());

  const graph = useMemo(() => {
    if (!live.document) return undefined;
    try {
      return buildWorkflowGraph(parse(live.document) as WorkflowDocument);
    } catch {
      return undefined;
    }
  }, [live.document]);
  const statuses = useMemo(() => summarizeByPointer(tree), [tree, live.version]);

  const act = (action: 'cancel' | 'suspend' | 'resume') => {
    setActionError(undefined);
    controlExecution(id, action)
      .then((updated) => live.setRecord(updated))
      .catch((reason: Error) => setActionError(`${action}: ${reason.message}`));
  };

  const workflow = record?.workflow ?? tree.workflow;
  const startedAt = tree.startedAt ?? (record?.startedAt ? Date.parse(record.startedAt) : undefined);
  const endedAt = tree.endedAt ?? (record?.endedAt ? Date.parse(record.endedAt) : undefined);

  return (
    <div className="page execution" data-testid="execution" data-id={id} data-status={shownStatus} data-last-seq={tree.lastSeq} data-out-of-order={live.outOfOrder} data-streaming={live.streaming}>
      <section className="card execution-head">
        <a href="#/" className="back" onClick={(event) => { event.preventDefault(); navigate({ page: 'list' }); }}>← executions</a>
        <h2>
          {workflow ? `${workflow.namespace}/${workflow.name}` : 'execution'}
          {workflow ? <span className="muted">@{workflow.version}</span> : null}
        </h2>
        <StatusBadge status={shownStatus} />
        <code className="muted">{id}</code>
        <span className="muted">{record ? `created ${formatTime(record.createdAt)}` : ''}</span>
        <span className="muted">{startedAt !== undefined ? formatDuration((endedAt ?? now) - startedAt) : ''}</span>
        <span className="muted">{tree.lastSeq} events{live.streaming ? ' · live' : ''}</span>
        <span className="actions">
          <button type="button" disabled={finished || shownStatus === 'suspended'} onClick={() => act('suspend')}>Suspend</button>
          <button type="button" disabled={shownStatus !== 'suspended'} onClick={() => act('resume')}>Resume</button>
          <button type="button" className="danger" disabled={finished} onClick={() => act('cancel')}>Cancel</button>
        </span>
      </section>
      {live.error ? <p className="error" role="alert">{live.error}</p> : null}
      {actionError ? <p className="error" role="alert">{actionError}</p> : null}
      <div className="execution-body">
        <section className="card graph-card">
          {graph ? <GraphView graph={graph} statuses={statuses} selected={selected} onSelect={setSelected} /> : <div className="graph placeholder">loading the workflow…</div>}
        </section>
        {selected ? <TaskPanel pointer={selected} summary={statuses.get(selected)} now={now} /> : <aside className="card task-panel muted">Select a task to see its input, output, error and attempts.</aside>}
      </div>
      <section className="card">
        <h3>Timeline</h3>
        <Timeline tree={tree} now={finished ? (endedAt ?? now) : now} selected={selected} onSelect={setSelected} />
      </section>
      {record?.output !== undefined || tree.output !== undefined ? (
        <section className="card">
          <h3>Output</h3>
          <pre data-testid="workflow-output">{JSON.stringify(tree.output ?? record?.output, null, 2)}</pre>
        </section>
      ) : null}
      {tree.error ?? record?.error ? (
        <section className="card">
          <h3>Error</h3>
          <pre className="error">{JSON.stringify(tree.error ?? record?.error, null, 2)}</pre>
        </section>
      ) : null}
    </div>
  );
}
