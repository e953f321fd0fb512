import { useEffect, useMemo, useRef, useState } from 'react';
import { listExecutions, openExecutionsStream, type ExecutionFilter, type ExecutionRecord } from '../api.ts';
import { ExecutionsFilters } from '../components/executions-filters.tsx';
import { ExecutionsTable } from '../components/executions-table.tsx';
import { StartRun } from '../components/start-run.tsx';
import { filterFromQuery, filterToQuery, matchesFilter } from '../live/execution-filter.ts';
import { navigate } from '../router.ts';

const newestFirst = (a: ExecutionRecord, b: ExecutionRecord) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id);

/**
 * Executions matching the URL's filter, newest first, filtered and paged by the service (cursor
 * paging: "Load more"); the service's list stream keeps shown rows current and adds new matching runs.
 */
export function ExecutionsPage({ query }: { query: URLSearchParams }) {
  const queryText = query.toString();
  const filter = useMemo(() => filterFromQuery(new URLSearchParams(queryText)), [queryText]);
  const [executions, setExecutions] = useState(new Map<string, ExecutionRecord>());
  const [nextCursor, setNextCursor] = useState<string>();
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string>();
  /** Creation time of the oldest loaded row while more pages exist ('' when all are loaded). */
  const oldestLoaded = useRef('');

  useEffect(() => {
    let live = true;
    setLoading(true);
    setExecutions(new Map());
    setNextCursor(undefined);
    oldestLoaded.current = '\uffff';
    const source = openExecutionsStream((execution) => {
      setExecutions((current) => {
        const known = current.get(execution.id);
        // A run the loaded pages do not hold joins only when it is new (not one further down the list).
        if (!known && (!matchesFilter(execution, filter) || execution.createdAt < oldestLoaded.current)) return current;
        return new Map(current).set(execution.id, { ...known, ...execution });
      });
    });
    listExecutions(filter)
      .then((page) => {
        if (!live) return;
        setExecutions((current) => {
          const next = new Map(page.items.map((item) => [item.id, item]));
          // Updates that arrived on the stream while the page loaded are newer than the page.
          for (const [id, execution] of current) next.set(id, execution);
          return next;
        });
        setNextCursor(page.nextCursor);
        oldestLoaded.current = page.nextCursor ? (page.items.at(-1)?.createdAt ?? '') : '';
        setError(undefined);
      })
      .catch((reason: Error) => live && setError(reason.message))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
      source.close();
    };
  }, [filter]);

  const loadMore = () => {
    if (!nextCursor) return;
    setLoading(true);
    listExecutions(filter, nextCursor)
      .then((page) => {
        setExecutions((current) => {
          const next = new Map(current);
          for (const item of page.items) if (!next.has(item.id)) next.set(item.id, item);
          return next;
        });
        setNextCursor(page.nextCursor);
        oldestLoaded.current = page.nextCursor ? (page.items.at(-1)?.createdAt ?? '') : '';
      })
      .catch((reason: Error) => setError(reason.message))
      .finally(() => setLoading(false));
  };

  const setFilter = (next: ExecutionFilter) => navigate({ page: 'list', query: filterToQuery(next) }, { replace: true });
  const rows = [...executions.values()].sort(newestFirst);
  const seenText = [...new Set(rows.map((row) => `${row.workflow.namespace}/${row.workflow.name}`))].sort().join('\n');
  const seen = useMemo(() => (seenText ? seenText.split('\n') : []), [seenText]);

  return (
    <div className="page">
      <section className="card">
        <div className="list-header">
          <h1>Executions</h1>
          <span className="muted count" data-testid="shown-count" aria-live="polite">{loading ? 'loading…' : `${rows.length} shown${nextCursor ? ', more below' : ''}`}</span>
        </div>
        <ExecutionsFilters filter={filter} seen={seen} onChange={setFilter} />
        {error ? <p className="error" role="alert">{error}</p> : null}
        <ExecutionsTable rows={rows} />
        {!loading && rows.length === 0 ? <p className="muted empty">No executions match.</p> : null}
        {nextCursor ? (
          <button type="button" className="load-more" onClick={loadMore} disabled={loading}>
            Load more
          </button>
        ) : null}
      </section>
      <StartRun />
    </div>
  );
}
