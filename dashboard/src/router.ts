import { useEffect, useState } from 'react';

/**
 * Pages live in the URL hash (`#/?status=faulted`, `#/executions/ID?task=/do/0/a`), so navigation
 * never reloads the page, a reload lands on the same page and a shared link opens the same view.
 */
export type Route = { page: 'list'; query: URLSearchParams } | { page: 'execution'; id: string; query: URLSearchParams };

export function parseRoute(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#/, '').split('?', 2);
  const query = new URLSearchParams(search);
  const match = /^\/executions\/([^/]+)/.exec(path);
  return match ? { page: 'execution', id: decodeURIComponent(match[1]!), query } : { page: 'list', query };
}

export function routeHref(route: { page: 'list'; query?: URLSearchParams } | { page: 'execution'; id: string; query?: URLSearchParams }): string {
  const search = route.query && [...route.query.keys()].length > 0 ? `?${route.query}` : '';
  return route.page === 'execution' ? `#/executions/${encodeURIComponent(route.id)}${search}` : `#/${search}`;
}

export function navigate(route: Parameters<typeof routeHref>[0], options: { replace?: boolean } = {}): void {
  const href = routeHref(route);
  if (options.replace) {
    window.history.replaceState(null, '', href);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else window.location.hash = href;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
