import type { WorkflowStatus } from '../../../src/core/events.ts';
import type { ExecutionFilter, ExecutionRecord } from '../api.ts';

export const STATUSES: WorkflowStatus[] = ['pending', 'running', 'waiting', 'suspended', 'completed', 'faulted', 'cancelled'];

/** The list's filter as kept in the URL: `status=a,b&workflow=ns/name&id=PREFIX&after=ISO&before=ISO`. */
export function filterFromQuery(query: URLSearchParams): ExecutionFilter {
  const status = (query.get('status') ?? '').split(',').filter((item): item is WorkflowStatus => STATUSES.includes(item as WorkflowStatus));
  return {
    ...(status.length ? { status } : {}),
    ...(query.get('workflow') ? { workflow: query.get('workflow')! } : {}),
    ...(query.get('id') ? { idPrefix: query.get('id')! } : {}),
    ...(query.get('after') ? { createdAfter: query.get('after')! } : {}),
    ...(query.get('before') ? { createdBefore: query.get('before')! } : {}),
  };
}

export function filterToQuery(filter: ExecutionFilter): URLSearchParams {
  const query = new URLSearchParams();
  if (filter.status?.length) query.set('status', filter.status.join(','));
  if (filter.workflow) query.set('workflow', filter.workflow);
  if (filter.idPrefix) query.set('id', filter.idPrefix);
  if (filter.createdAfter) query.set('after', filter.createdAfter);
  if (filter.createdBefore) query.set('before', filter.createdBefore);
  return query;
}

/** Whether a record pushed by the live stream belongs in the filtered list. */
export function matchesFilter(execution: ExecutionRecord, filter: ExecutionFilter): boolean {
  return (
    (!filter.workflow || `${execution.workflow.namespace}/${execution.workflow.name}` === filter.workflow) &&
    (!filter.status?.length || filter.status.includes(execution.status)) &&
    (!filter.idPrefix || execution.id.startsWith(filter.idPrefix)) &&
    (!filter.createdAfter || execution.createdAt >= filter.createdAfter) &&
    (!filter.createdBefore || execution.createdAt < filter.createdBefore)
  );
}
