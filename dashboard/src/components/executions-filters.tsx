import { useEffect, useState } from 'react';
import { listWorkflows, type ExecutionFilter } from '../api.ts';
import { STATUSES } from '../live/execution-filter.ts';

/** `datetime-local` shows local time; the filter (and the URL) keep ISO 8601 instants. */
const toLocalInput = (iso: string | undefined) => {
  if (!iso) return '';
  const date = new Date(iso);
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};
const fromLocalInput = (value: string) => (value ? new Date(value).toISOString() : undefined);

/** Status (several), workflow, id prefix and creation time range; each change goes to the URL. */
export function ExecutionsFilters({ filter, seen, onChange }: { filter: ExecutionFilter; seen: string[]; onChange(filter: ExecutionFilter): void }) {
  const [workflows, setWorkflows] = useState<string[]>([]);
  useEffect(() => setWorkflows((current) => (seen.every((item) => current.includes(item)) ? current : [...new Set([...current, ...seen])])), [seen]);
  const [idPrefix, setIdPrefix] = useState(filter.idPrefix ?? '');
  useEffect(() => {
    listWorkflows()
      .then((page) => setWorkflows((current) => [...new Set([...current, ...page.items.map((item) => `${item.namespace}/${item.name}`)])]))
      .catch(() => {});
  }, []);
  useEffect(() => setIdPrefix(filter.idPrefix ?? ''), [filter.idPrefix]);
  const set = (patch: Partial<ExecutionFilter>) => {
    const next: ExecutionFilter = { ...filter, ...patch };
    for (const key of Object.keys(next) as Array<keyof ExecutionFilter>) if (next[key] === undefined || (Array.isArray(next[key]) && next[key].length === 0)) delete next[key];
    onChange(next);
  };
  const toggle = (status: (typeof STATUSES)[number], on: boolean) => {
    const current = filter.status ?? [];
    set({ status: on ? [...current, status] : current.filter((item) => item !== status) });
  };
  // Registered workflows, plus those of runs started from inline documents.
  const workflowChoices = [...new Set([...workflows, ...seen, ...(filter.workflow ? [filter.workflow] : [])])].sort();
  return (
    <form className="filters" role="search" aria-label="filter executions" onSubmit={(event) => { event.preventDefault(); set({ idPrefix: idPrefix.trim() || undefined }); }}>
      <fieldset className="status-filter">
        <legend>status</legend>
        {STATUSES.map((status) => (
          <label key={status} className={`chip status-${status}`}>
            <input type="checkbox" name="filter-status" value={status} checked={filter.status?.includes(status) ?? false} onChange={(event) => toggle(status, event.target.checked)} />
            {status}
          </label>
        ))}
      </fieldset>
      <label>
        workflow
        <select name="filter-workflow" value={filter.workflow ?? ''} onChange={(event) => set({ workflow: event.target.value || undefined })}>
          <option value="">all</option>
          {workflowChoices.map((workflow) => <option key={workflow}>{workflow}</option>)}
        </select>
      </label>
      <label>
        id starts with
        <input name="filter-id" type="search" value={idPrefix} onChange={(event) => setIdPrefix(event.target.value)} onBlur={() => set({ idPrefix: idPrefix.trim() || undefined })} spellCheck={false} />
      </label>
      <label>
        created after
        <input name="filter-after" type="datetime-local" value={toLocalInput(filter.createdAfter)} onChange={(event) => set({ createdAfter: fromLocalInput(event.target.value) })} />
      </label>
      <label>
        created before
        <input name="filter-before" type="datetime-local" value={toLocalInput(filter.createdBefore)} onChange={(event) => set({ createdBefore: fromLocalInput(event.target.value) })} />
      </label>
      <button type="submit">Apply</button>
    </form>
  );
}
