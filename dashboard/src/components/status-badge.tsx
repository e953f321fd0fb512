import type { TaskStatus, WorkflowStatus } from '../../../src/core/events.ts';

export function StatusBadge({ status }: { status: TaskStatus | WorkflowStatus }) {
  return <span className={`badge status-${status}`} data-status={status}>{status}</span>;
}
