import type { TaskNode, TaskTree } from '../../../src/cli/views/task-tree-state.ts';
import { formatDuration } from '../time.ts';

interface TimelineProps {
  tree: TaskTree;
  now: number;
  selected?: string;
  onSelect(pointer: string): void;
}

function flatten(nodes: TaskNode[], out: TaskNode[] = []): TaskNode[] {
  for (const node of nodes) {
    out.push(node);
    flatten(node.children, out);
  }
  return out;
}

/** One bar per task instance on the execution's time axis, nested like the task tree. */
export function Timeline({ tree, now, selected, onSelect }: TimelineProps) {
  const rows = flatten(tree.roots);
  const start = tree.startedAt ?? Math.min(...rows.map((row) => row.startedAt ?? now), now);
  const end = Math.max(tree.endedAt ?? now, start + 1);
  const span = end - start;
  return (
    <div className="timeline" data-testid="timeline">
      <div className="timeline-axis">
        <span>0</span>
        <span>{formatDuration(span)}</span>
      </div>
      {rows.map((row) => {
        const from = (row.startedAt ?? end) - start;
        const to = (row.endedAt ?? (row.startedAt === undefined ? end : now)) - start;
        const key = `${row.ref}#${row.iteration ?? ''}`;
        return (
          <div key={key} className={`timeline-row${row.ref === selected ? ' selected' : ''}`} onClick={() => onSelect(row.ref)} data-instance={key}>
            <span className="timeline-label" style={{ paddingLeft: row.depth * 12 }} title={row.ref}>
              {row.name}
              {row.iteration !== undefined ? <span className="muted"> [{row.iteration}]</span> : null}
            </span>
            <span className="timeline-track">
              <span
                className={`timeline-bar status-${row.status}`}
                style={{ left: `${(from / span) * 100}%`, width: `${Math.max(0.4, ((to - from) / span) * 100)}%` }}
                title={row.startedAt !== undefined ? formatDuration(to - from) : row.status}
              />
            </span>
          </div>
        );
      })}
    </div>
  );
}
