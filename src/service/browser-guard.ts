import type { FastifyRequest } from 'fastify';
import { ServiceError } from './errors.ts';

/** Which browser-reachable requests the service answers. */
export interface BrowserGuardOptions {
  /**
   * Host names (without port) clients may address the service by. Given, a request whose `Host` names
   * anything else is refused: a DNS-rebinding page reaches the service under its own host name.
   * Absent (a wildcard bind with no names configured), any Host is accepted.
   */
  allowedHosts?: readonly string[];
  /** Origins (`scheme://host:port`) other than the service's own that browsers may call it from (a dashboard dev server, say). */
  allowedOrigins?: readonly string[];
}

/** The host name of a `Host` header value (`name:port`, `[v6]:port`), lower-cased. */
function hostName(host: string): string {
  const bracketed = /^\[([^\]]+)\]/.exec(host);
  if (bracketed) return bracketed[1]!.toLowerCase();
  return host.replace(/:\d+$/, '').toLowerCase();
}

/**
 * Refuses requests a foreign web page makes through a user's browser: a `Host` the service is not
 * known by (DNS rebinding), and an `Origin` other than the service's own or an allowed one
 * (cross-site WebSocket hijacking, cross-site requests to an `--open` service). Clients that are not
 * browsers send no Origin and are unaffected.
 */
export function browserGuard(options: BrowserGuardOptions): (request: FastifyRequest) => void {
  const hosts = options.allowedHosts ? new Set(options.allowedHosts.map((host) => hostName(host))) : undefined;
  const origins = new Set((options.allowedOrigins ?? []).map((origin) => origin.toLowerCase().replace(/\/$/, '')));
  return (request) => {
    const host = request.headers.host ?? request.headers[':authority'];
    if (hosts && (typeof host !== 'string' || !hosts.has(hostName(host)))) {
      throw new ServiceError('CAIRN_ERR_FORBIDDEN', `the service does not answer to Host ${JSON.stringify(host ?? '')} (allowed: ${[...hosts].join(', ')})`);
    }
    const origin = request.headers.origin;
    if (origin === undefined) return;
    let sameOrigin = false;
    try {
      sameOrigin = typeof host === 'string' && new URL(origin).host.toLowerCase() === host.toLowerCase();
    } catch {
      sameOrigin = false;
    }
    if (!sameOrigin && !origins.has(origin.toLowerCase())) {
      throw new ServiceError('CAIRN_ERR_FORBIDDEN', `requests from the web origin ${JSON.stringify(origin)} are not allowed`);
    }
  };
}
