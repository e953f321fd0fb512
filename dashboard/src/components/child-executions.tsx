import { useEffect, useState } from 'react';
import { listChildExecutions, type ExecutionRecord } from '../api.ts';
import { routeHref } from '../router.ts';
import { StatusBadge } from './status-badge.tsx';

/** A `run: workflow` task's child executions (one per run of the task), linking to each. */
export function ChildExecutions({ parentId, pointer, refresh }: { parentId: string; pointer: string; refresh: string }) {
  const [children, setChildren] = useState<ExecutionRecord[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let live = true;
    listChildExecutions(parentId)
      .then((page) => live && setChildren(page.items.filter((child) => child.parentTask === pointer)))
      .catch((reason: Error) => live && setError(reason.message));
    return () => {
      live = false;
    };
    // `refresh` (the task's status and instance count): asked again as the task runs, since a child is listed once it reports its start.
  }, [parentId, pointer, refresh]);
  if (error) return <p className="error" role="alert">{error}</p>;
  if (!children) return null;
  return (
    <section className="children" data-testid="child-executions">
      <h3>child executions</h3>
      {children.length === 0 ? <p className="muted">none yet</p> : null}
      <ul>
        {children.map((child) => (
          <li key={child.id}>
            <StatusBadge status={child.status} />{' '}
            <a href={routeHref({ page: 'execution', id: child.id })} data-child={child.id}>
              {child.workflow.namespace}/{child.workflow.name}@{child.workflow.version} <code>{child.id.slice(0, 8)}</code>
            </a>
            {child.parentIteration !== undefined ? <span className="muted"> iteration {child.parentIteration}</span> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
