import { useEffect, useState } from 'react';

/** Pages live in the URL hash (`#/`, `#/executions/ID`), so navigation never reloads the page and a reload lands on the same page. */
export type Route = { page: 'list' } | { page: 'execution'; id: string };

export function parseRoute(hash: string): Route {
  const match = /^#\/executions\/([^/?]+)/.exec(hash);
  return match ? { page: 'execution', id: decodeURIComponent(match[1]!) } : { page: 'list' };
}

export function navigate(route: Route): void {
  window.location.hash = route.page === 'execution' ? `#/executions/${encodeURIComponent(route.id)}` : '#/';
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
