import type { FastifyRequest } from 'fastify';
import type { ExecutionStore } from '../store/execution-store.ts';
import { bearerToken, type AccessControl, type Principal } from './access.ts';
import type { ExecutionService } from './execution-service.ts';
import type { LiveHub } from './live-hub.ts';
import type { ServiceMetrics } from './metrics.ts';
import type { Scheduler } from './schedules/scheduler.ts';

/** What every route plugin is registered with. */
export interface ServiceContext {
  service: ExecutionService;
  scheduler: Scheduler;
  store: ExecutionStore;
  access: AccessControl;
  hub: LiveHub;
  metrics: ServiceMetrics;
  /** SSE heartbeat period. */
  heartbeatMs: number;
  /** Ends every open SSE response, so closing the service does not wait for its watchers. */
  openStreams: Set<() => void>;
}

export interface RouteOptions {
  context: ServiceContext;
}

/**
 * The caller of a request. Only stream routes (`queryToken`) take `?access_token=` (EventSource and
 * browser WebSockets cannot set headers); elsewhere a token in a URL would end up in histories and proxy logs.
 */
export function principalOf(context: ServiceContext, request: FastifyRequest, queryToken = false): Principal {
  return context.access.authenticate(bearerToken(request.headers.authorization, queryToken ? request.query : undefined));
}

/** Authenticates a client (API token) request; report tokens are refused. */
export function requireClient(context: ServiceContext, request: FastifyRequest, queryToken = false): void {
  context.access.requireClient(principalOf(context, request, queryToken));
}
