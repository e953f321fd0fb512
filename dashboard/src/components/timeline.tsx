import type { TaskNode, TaskTree } from '../../../src/cli/views/task-tree-state.ts';
import { formatDuration } from '../time.ts';

interface TimelineProps {
  tree: TaskTree;
  now: number;
  selected?: string;
  onSelect(pointer: string): void;
}

/** A long loop shows its newest rows; the task panel pages through every iteration. */
const MAX_ROWS = 300;

function flatten(nodes: TaskNode[], out: TaskNode[] = []): TaskNode[] {
  for (const node of nodes) {
    out.push(node);
    flatten(node.children, out);
  }
  return out;
}

/** One bar per task instance on the execution's time axis, nested like the task tree; failed attempts are red segments before the last. */
export function Timeline({ tree, now, selected, onSelect }: TimelineProps) {
  const all = flatten(tree.roots);
  const rows = all.slice(-MAX_ROWS);
  const start = tree.startedAt ?? Math.min(...rows.map((row) => row.startedAt ?? now), now);
  const end = Math.max(tree.endedAt ?? now, start + 1);
  const span = end - start;
  const percent = (ms: number) => `${((ms - start) / span) * 100}%`;
  const width = (from: number, to: number) => `${Math.max(0.4, ((to - from) / span) * 100)}%`;
  return (
    <div className="timeline" data-testid="timeline">
      <div className="timeline-axis" aria-hidden="true">
        <span>0</span>
        <span>{formatDuration(span)}</span>
      </div>
      {all.length > rows.length ? <p className="muted">{all.length - rows.length} earlier rows not shown.</p> : null}
      {rows.map((row) => {
        const from = row.startedAt ?? end;
        const to = row.endedAt ?? (row.startedAt === undefined ? end : now);
        const key = `${row.ref}#${row.iteration ?? ''}`;
        const retried = row.failedAttempts.filter((attempt) => attempt.retryDelayMs !== undefined);
        const lastStart = retried.length ? retried.at(-1)!.endedAt + retried.at(-1)!.retryDelayMs! : from;
        return (
          <button
            type="button"
            key={key}
            className={`timeline-row${row.ref === selected ? ' selected' : ''}`}
            onClick={() => onSelect(row.ref)}
            data-instance={key}
          >
            <span className="timeline-label" style={{ paddingLeft: row.depth * 12 }}>
              {row.name}
              {row.iteration !== undefined ? <span className="muted"> [{row.iteration}]</span> : null}
              <span className="sr-only"> {row.status}</span>
            </span>
            <span className="timeline-track">
              {retried.map((attempt) => (
                <span
                  key={attempt.attempt}
                  className="timeline-bar status-faulted attempt"
                  data-attempt={attempt.attempt + 1}
                  style={{ left: percent(attempt.startedAt ?? from), width: width(attempt.startedAt ?? from, attempt.endedAt) }}
                  title={`attempt ${attempt.attempt + 1} failed after ${formatDuration(attempt.endedAt - (attempt.startedAt ?? from))}, then waited ${formatDuration(attempt.retryDelayMs ?? 0)}`}
                />
              ))}
              <span
                className={`timeline-bar status-${row.status}`}
                style={{ left: percent(lastStart), width: width(lastStart, to) }}
                title={row.startedAt !== undefined ? formatDuration(to - lastStart) : row.status}
              />
            </span>
          </button>
        );
      })}
    </div>
  );
}
