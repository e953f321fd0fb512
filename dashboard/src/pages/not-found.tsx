import { routeHref } from '../router.ts';

/** What an unknown execution id (or any other missing page) shows. */
export function NotFound({ what }: { what: string }) {
  return (
    <section className="card not-found" data-testid="not-found">
      <h2>Not found</h2>
      <p>{what}</p>
      <a href={routeHref({ page: 'list' })}>← all executions</a>
    </section>
  );
}
