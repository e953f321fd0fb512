import { useEffect, useRef, useState } from 'react';
import { foldTaskTree, type TaskNode } from '../../../src/cli/views/task-tree-state.ts';
import { getTaskInstances } from '../api.ts';

export interface TaskInstancesPage {
  /** The page's instances, newest first. */
  instances: TaskNode[];
  /** Older instances exist. */
  hasOlder: boolean;
  hasNewer: boolean;
  loading: boolean;
  error?: string;
  older(): void;
  newer(): void;
}

/** How long a live task's page waits after a change before it is asked again (a fast loop changes every frame). */
const REFRESH_DELAY_MS = 300;

/** Sorts "3" < "10" and "1.2" < "1.10": iteration paths compared level by level, newest first. */
function byIterationDesc(a: string | undefined, b: string | undefined): number {
  const left = (a ?? '').split('.').map(Number);
  const right = (b ?? '').split('.').map(Number);
  for (let index = 0; index < Math.max(left.length, right.length); index += 1) {
    const difference = (right[index] ?? -1) - (left[index] ?? -1);
    if (difference !== 0) return difference;
  }
  return 0;
}

/**
 * A task's instances a page at a time from the service (`/v1/executions/{id}/tasks`), so a loop of
 * any length costs one page of events; `iteration` jumps to one instance. `refresh` changes as the
 * task runs: the page is asked again (after a short pause) to show new and changed instances.
 */
export function useTaskInstances(executionId: string, pointer: string, options: { pageSize: number; iteration: string; refresh: string }): TaskInstancesPage {
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const [page, setPage] = useState<{ instances: TaskNode[]; nextCursor?: string }>({ instances: [] });
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string>();
  const iteration = options.iteration.trim();
  const cursor = cursors[cursors.length - 1];
  const shownKey = useRef<string | undefined>(undefined);

  useEffect(() => setCursors([undefined]), [iteration]);

  useEffect(() => {
    let live = true;
    setLoading(true);
    const load = () =>
      getTaskInstances(executionId, pointer, { limit: options.pageSize, ...(cursor ? { cursor } : {}), ...(iteration ? { iteration } : {}) })
        .then((body) => {
          if (!live) return;
          const instances = [...foldTaskTree(body.events).nodes.values()].filter((node) => node.ref === pointer).sort((a, b) => byIterationDesc(a.iteration, b.iteration));
          setPage({ instances, ...(body.nextCursor ? { nextCursor: body.nextCursor } : {}) });
          setError(undefined);
        })
        .catch((reason: Error) => live && setError(reason.message))
        .finally(() => live && setLoading(false));
    // Another page loads at once; a refresh of the page shown waits for the task to settle.
    const key = `${cursor ?? ''}|${iteration}`;
    const timer = setTimeout(load, shownKey.current === key ? REFRESH_DELAY_MS : 0);
    shownKey.current = key;
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [executionId, pointer, cursor, iteration, options.pageSize, options.refresh]);

  return {
    instances: page.instances,
    hasOlder: page.nextCursor !== undefined,
    hasNewer: cursors.length > 1,
    loading,
    ...(error ? { error } : {}),
    older: () => page.nextCursor && setCursors((stack) => [...stack, page.nextCursor]),
    newer: () => setCursors((stack) => (stack.length > 1 ? stack.slice(0, -1) : stack)),
  };
}
