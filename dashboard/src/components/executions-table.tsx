import type { ExecutionRecord } from '../api.ts';
import { navigate, routeHref } from '../router.ts';
import { formatDuration } from '../time.ts';
import { RelativeTime } from './relative-time.tsx';
import { StatusBadge } from './status-badge.tsx';

/** How ids are shown (and accepted back by the id filter and the CLI as prefixes). */
export const shortId = (id: string) => (id.length > 13 ? id.slice(0, 13) : id);

function duration(execution: ExecutionRecord): string {
  if (!execution.startedAt) return '';
  const end = execution.endedAt ? Date.parse(execution.endedAt) : Date.now();
  return formatDuration(end - Date.parse(execution.startedAt));
}

export function ExecutionsTable({ rows }: { rows: ExecutionRecord[] }) {
  return (
    <div className="table-scroll">
      <table className="executions">
        <thead>
          <tr>
            <th scope="col">status</th>
            <th scope="col">execution</th>
            <th scope="col">workflow</th>
            <th scope="col">created</th>
            <th scope="col" className="wide-only">duration</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((execution) => (
            <tr key={execution.id} data-execution={execution.id} data-status={execution.status} onClick={() => navigate({ page: 'execution', id: execution.id })}>
              <td><StatusBadge status={execution.status} /></td>
              <td>
                <a href={routeHref({ page: 'execution', id: execution.id })} title={execution.id} onClick={(event) => event.stopPropagation()}>
                  <code>{shortId(execution.id)}</code>
                </a>
              </td>
              <td>{execution.workflow.namespace}/{execution.workflow.name}<span className="muted">@{execution.workflow.version}</span></td>
              <td><RelativeTime iso={execution.createdAt} /></td>
              <td className="muted wide-only">{duration(execution)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
