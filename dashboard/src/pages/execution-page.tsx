import { useCallback, useEffect, useMemo, useState } from 'react';
import { parse } from 'yaml';
import type { WorkflowDocument } from '../../../src/core/model.ts';
import { CopyButton } from '../components/copy-button.tsx';
import { DefinitionView } from '../components/definition-view.tsx';
import { ExecutionActions } from '../components/execution-actions.tsx';
import { FailureSummary } from '../components/failure-summary.tsx';
import { GraphView } from '../components/graph-view.tsx';
import { JsonView } from '../components/json-view.tsx';
import { ParentLink } from '../components/parent-link.tsx';
import { RelativeTime } from '../components/relative-time.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { TaskPanel } from '../components/task-panel.tsx';
import { Timeline } from '../components/timeline.tsx';
import { buildWorkflowGraph } from '../graph/workflow-graph.ts';
import { failingTask } from '../live/failing-task.ts';
import { taskAt } from '../live/task-definition.ts';
import { summarizeByPointer } from '../live/task-status.ts';
import { useExecution } from '../live/use-execution.ts';
import { navigate, routeHref } from '../router.ts';
import { formatDuration } from '../time.ts';
import { NotFound } from './not-found.tsx';

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

/** One execution: what happened first (status, duration, failure, input), then graph, task details, timeline and definition. */
export function ExecutionPage({ id, query }: { id: string; query: URLSearchParams }) {
  const live = useExecution(id);
  const { tree, record } = live;
  const selected = query.get('task') ?? undefined;
  const [actionError, setActionError] = useState<string>();
  const status = tree.lastSeq > 0 && tree.status !== 'pending' ? tree.status : (record?.status ?? 'pending');
  const finished = FINAL.has(status) || (record !== undefined && FINAL.has(record.status));
  const shownStatus = record && FINAL.has(record.status) && !FINAL.has(status) ? record.status : status;
  // Renders happen per animation frame while events flow and each second otherwise: take the time of this one.
  const now = Math.max(useNow(!finished), Date.now());
  const select = useCallback((pointer: string) => navigate({ page: 'execution', id, query: new URLSearchParams({ task: pointer }) }, { replace: true }), [id]);

  const parsed = useMemo(() => {
    if (!live.document) return undefined;
    try {
      return parse(live.document) as WorkflowDocument;
    } catch {
      return undefined;
    }
  }, [live.document]);
  const graph = useMemo(() => (parsed ? buildWorkflowGraph(parsed) : undefined), [parsed]);
  const statuses = useMemo(() => summarizeByPointer(tree), [tree, live.version]);
  const failing = useMemo(() => (shownStatus === 'faulted' ? failingTask(tree) : undefined), [tree, live.version, shownStatus]);

  if (live.notFound) return <NotFound what={`No execution has the id ${id}.`} />;

  const workflow = record?.workflow ?? tree.workflow;
  const startedAt = tree.startedAt ?? (record?.startedAt ? Date.parse(record.startedAt) : undefined);
  const endedAt = tree.endedAt ?? (record?.endedAt ? Date.parse(record.endedAt) : undefined);
  const error = tree.error ?? record?.error;
  const output = tree.output ?? record?.output;
  const outputUri = output === undefined ? (tree.outputUri ?? record?.outputUri) : undefined;

  return (
    <div className="page execution" data-testid="execution" data-id={id} data-status={shownStatus} data-last-seq={tree.lastSeq} data-out-of-order={live.outOfOrder} data-streaming={live.streaming}>
      <section className="card execution-head">
        <a href={routeHref({ page: 'list' })} className="back">← executions</a>
        <h1>
          {workflow ? `${workflow.namespace}/${workflow.name}` : 'execution'}
          {workflow ? <span className="muted">@{workflow.version}</span> : null}
        </h1>
        <StatusBadge status={shownStatus} />
        <span className="execution-id"><code title={id}>{id}</code> <CopyButton text={id} label="Copy id" /></span>
        <span className="muted">{record ? <>created <RelativeTime iso={record.createdAt} /></> : ''}</span>
        <span className="muted" data-testid="duration">{startedAt !== undefined ? formatDuration((endedAt ?? now) - startedAt) : ''}</span>
        <span className="muted">{tree.lastSeq} events{live.streaming ? ' · live' : ''}</span>
        {shownStatus === 'cancelled' && record?.cancelReason ? (
          <span className="cancel-reason" data-testid="cancel-reason">reason: {record.cancelReason}</span>
        ) : null}
        <ExecutionActions id={id} status={shownStatus} finished={finished} document={live.document} input={record?.input} onRecord={live.setRecord} onError={setActionError} />
      </section>
      {record ? <ParentLink record={record} /> : null}
      {live.error ? <p className="error" role="alert">{live.error}</p> : null}
      {actionError ? <p className="error" role="alert">{actionError}</p> : null}
      {error && shownStatus === 'faulted' ? <FailureSummary error={error} task={failing} onSelect={select} /> : null}
      {record ? (
        <section className="card io" data-testid="workflow-input">
          <JsonView title="input" value={record.input} uri={record.inputUri} open={record.input !== undefined && JSON.stringify(record.input).length < 400} testId="workflow-input-json" />
          <JsonView title="output" value={output} uri={outputUri} open={output !== undefined} testId="workflow-output" />
          {error && shownStatus !== 'faulted' ? <JsonView title="error" value={error} open testId="workflow-error" /> : null}
        </section>
      ) : null}
      <div className="execution-body">
        <section className="card graph-card" aria-label="workflow graph">
          {graph ? <GraphView graph={graph} statuses={statuses} selected={selected} onSelect={select} /> : <div className="graph placeholder">loading the workflow…</div>}
        </section>
        {selected ? (
          <TaskPanel key={selected} executionId={id} pointer={selected} summary={statuses.get(selected)} definition={taskAt(parsed, selected)} now={now} />
        ) : (
          <aside className="card task-panel muted">Select a task (click, or Tab then Enter) to see its input, output, error and attempts.</aside>
        )}
      </div>
      <section className="card">
        <h2>Timeline</h2>
        <Timeline tree={tree} now={finished ? (endedAt ?? now) : now} selected={selected} onSelect={select} />
      </section>
      <DefinitionView document={live.document} />
    </div>
  );
}
