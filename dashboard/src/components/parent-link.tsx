import type { ExecutionRecord } from '../api.ts';
import { routeHref } from '../router.ts';

/** On a `run: workflow` child: which execution and task started it, linking to that task. */
export function ParentLink({ record }: { record: ExecutionRecord }) {
  const { parentExecutionId, parentTask, parentIteration } = record;
  if (!parentExecutionId) return null;
  const query = new URLSearchParams(parentTask ? { task: parentTask } : {});
  const taskName = parentTask ? parentTask.slice(parentTask.lastIndexOf('/') + 1) : undefined;
  return (
    <p className="parent-link" data-testid="parent-link">
      started by{' '}
      <a href={routeHref({ page: 'execution', id: parentExecutionId, query })}>
        {taskName ? <>task <strong>{taskName}</strong>{parentIteration !== undefined ? ` (iteration ${parentIteration})` : ''} of </> : null}
        execution <code>{parentExecutionId.slice(0, 8)}</code>
      </a>
    </p>
  );
}
