import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { EventBus } from '../bus/event-bus.ts';
import type { ExpressionEngine } from '../jq/engine.ts';
import type { ExecutionStore } from '../store/execution-store.ts';
import { AccessControl, type AccessOptions } from './access.ts';
import type { ServiceContext } from './context.ts';
import { browserGuard, type BrowserGuardOptions } from './browser-guard.ts';
import { ServiceError } from './errors.ts';
import type { ServiceCluster } from './cluster/service-cluster.ts';
import type { ExecutionEngine } from './execution-engine.ts';
import { dualProtocolServerFactory } from './dual-protocol-server.ts';
import { ExecutionService } from './execution-service.ts';
import { LiveHub } from './live-hub.ts';
import { createMetrics } from './metrics.ts';
import { metricsConfigured, tracingConfigured } from '../observability/otel-env.ts';
import { SPAN_LOSS_REASONS } from '../observability/span-losses.ts';
import type { ScheduleClock } from './schedules/clock.ts';
import { Scheduler } from './schedules/scheduler.ts';
import { connectRoutes } from './routes/connect.ts';
import { eventRoutes } from './routes/events.ts';
import { executionRoutes } from './routes/executions.ts';
import { healthRoutes } from './routes/health.ts';
import { progressRoutes } from './routes/progress.ts';
import { scheduleRoutes } from './routes/schedules.ts';
import { streamRoutes } from './routes/stream.ts';
import { websocketRoutes } from './routes/websocket.ts';
import { workflowRoutes } from './routes/workflows.ts';
import type { DocumentLoaderThread } from './document-loader-thread.ts';
import { RetentionSweeper, type RetentionOptions } from './retention.ts';

export interface AppOptions {
  store: ExecutionStore;
  engine: ExecutionEngine;
  expressions: ExpressionEngine;
  /** Where accepted CloudEvents go; the engine's `listen` tasks read the same bus. */
  bus: EventBus;
  access: AccessOptions;
  /** fastify logger setting (false in tests), or the process's logger, which its other parts (cluster, engine) share. */
  logger?: boolean | { level: string; stream?: NodeJS.WritableStream } | FastifyBaseLogger;
  heartbeatMs?: number;
  /**
   * Fault the executions the same engine was running when the previous service process stopped.
   * Only when no other live service shares the store (`cairn serve` on its embedded SQLite store).
   */
  endInterruptedExecutions?: boolean;
  /** Time for workflow schedules (tests replace it; the system clock otherwise). */
  scheduleClock?: ScheduleClock;
  /**
   * This instance's place among the service instances sharing the store: leases, ownership of
   * executions, and the channel to the others. Built before the engine, whose bus it shares.
   */
  cluster?: ServiceCluster;
  /** The largest workflow input a start accepts (serialized JSON bytes; default `DEFAULT_MAX_INPUT_BYTES`). */
  maxInputBytes?: number;
  /** The largest workflow document a start or registration accepts (bytes) and its most tasks; defaults in document-limits.ts. */
  maxDocumentBytes?: number;
  maxDocumentTasks?: number;
  /** Loads documents sent to the API off the event loop (`cairn serve` gives one; closed with the app). */
  documentLoader?: DocumentLoaderThread;
  /** Host and Origin checks for browser-reachable requests (an Origin must be the service's own unless allowed). */
  browser?: BrowserGuardOptions;
  /** Deletes executions (events, stored values) some time after they ended; kept forever without it. */
  retention?: RetentionOptions;
  /** Extra plugins registered after the API (the dashboard's static routes, for example). */
  plugins?: Array<(app: FastifyInstance) => Promise<void>>;
}

/** Builds the execution service; never listens (the caller does, or tests `inject()`). */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(typeof options.logger === 'object' && 'child' in options.logger ? { loggerInstance: options.logger } : { logger: options.logger ?? false }),
    // Secrets must not reach logs: request logging (URLs carry `access_token`) stays off.
    logController: new LogController({ disableRequestLogging: true }),
    // A start request carries the input and the document: room for both.
    bodyLimit: Math.max(16 * 1024 * 1024, 2 * (options.maxInputBytes ?? 0)),
    // gRPC clients speak cleartext HTTP/2, browsers HTTP/1.1: one port serves both.
    serverFactory: dualProtocolServerFactory as never,
  }) as unknown as FastifyInstance;
  // OpenTelemetry's SDK is loaded only when OTEL_* asks for metrics.
  const otelMetrics = metricsConfigured() ? (await import('../observability/otel-metrics.ts')).loadOtelMetrics() : undefined;
  const metrics = createMetrics(otelMetrics?.meter);
  const hub = new LiveHub();
  metrics.streamClients(() => hub.subscriberCount);
  if (otelMetrics) app.addHook('onClose', () => otelMetrics.shutdown());
  const access = new AccessControl(options.access);
  const service: ExecutionService = new ExecutionService({
    store: options.store,
    engine: options.engine,
    expressions: options.expressions,
    hub,
    bus: options.bus,
    metrics,
    reportToken: (executionId) => access.reportToken(executionId),
    ...(options.cluster ? { ownership: options.cluster } : {}),
    onRegistered: async (namespace, name) => {
      await scheduler.refresh(namespace, name);
      await options.cluster?.announceRegistered(namespace, name);
    },
    log: (message, error, execution) => app.log.error({ ...execution, err: error }, message),
    ...(options.maxInputBytes ? { maxInputBytes: options.maxInputBytes } : {}),
    ...(options.maxDocumentBytes ? { maxDocumentBytes: options.maxDocumentBytes } : {}),
    ...(options.maxDocumentTasks ? { maxDocumentTasks: options.maxDocumentTasks } : {}),
    ...(options.documentLoader ? { documentLoader: options.documentLoader } : {}),
    logExecution: (fields, message) => app.log.info(fields, message),
  });
  const scheduler: Scheduler = new Scheduler({
    store: options.store,
    hub,
    bus: options.bus,
    expressions: options.expressions,
    load: (text) => service.load(text, 'workflow.yaml'),
    start: (workflow, input, start) => service.startScheduled(workflow, input, start),
    ...(options.scheduleClock ? { clock: options.scheduleClock } : {}),
    log: (message, error) => app.log.error({ err: error }, message),
  });
  const context: ServiceContext = {
    service,
    scheduler,
    store: options.store,
    access,
    hub,
    metrics,
    heartbeatMs: options.heartbeatMs ?? 15_000,
    openStreams: new Set(),
  };

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof ServiceError) {
      return reply
        .code(error.statusCode)
        .send({ statusCode: error.statusCode, code: error.code, error: STATUS_CODES[error.statusCode], message: error.message, details: error.details });
    }
    const validation = (error as { validation?: unknown }).validation;
    if (validation) {
      return reply.code(400).send({ statusCode: 400, code: 'CAIRN_ERR_INVALID_REQUEST', error: 'Bad Request', message: (error as Error).message });
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      return reply.code(status).send({ statusCode: status, code: 'CAIRN_ERR_INVALID_REQUEST', error: 'Bad Request', message: (error as Error).message });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send({ statusCode: 500, code: 'CAIRN_ERR_INTERNAL', error: 'Internal Server Error', message: 'the service failed; see its log' });
  });

  if (tracingConfigured()) {
    await (await import('../observability/server-spans.ts')).addServerSpans(app);
    // Present from the start, so a rate or an alert has a series before the first loss.
    for (const reason of SPAN_LOSS_REASONS) metrics.spansDropped.inc({ reason }, 0);
    // Tracing is the process's; this app counts its losses until it closes (tests build several apps).
    const stop = (await (await import('../observability/tracing.ts')).loadTracing()).onSpansLost((reason, count) => metrics.spansDropped.inc({ reason }, count));
    app.addHook('onClose', async () => {
      stop();
    });
  }
  const guard = browserGuard(options.browser ?? {});
  app.addHook('onRequest', async (request) => guard(request));
  for (const routes of [healthRoutes, executionRoutes, progressRoutes, eventRoutes, workflowRoutes, scheduleRoutes, streamRoutes, websocketRoutes, connectRoutes]) {
    await app.register(routes, { context });
  }
  for (const plugin of options.plugins ?? []) await app.register(plugin);
  if (options.cluster) {
    await options.cluster.join({
      hub,
      store: options.store,
      engine: options.engine,
      adopt: (ids) => service.adopt(ids),
      registered: (namespace, name) => scheduler.refresh(namespace, name),
    });
  }
  if (options.endInterruptedExecutions) {
    const ended = await service.endInterrupted();
    if (ended > 0) app.log.warn(`${ended} execution(s) interrupted by the previous shutdown marked faulted`);
  } else if (options.engine.reattach) {
    const followed = await service.reattachUnfinished();
    if (followed > 0) app.log.info(`following ${followed} ${options.engine.name} execution(s) started before this service process`);
  }
  // Executions of instances whose lease already expired are taken over before schedules look at them.
  await options.cluster?.sweep();
  // After the interrupted runs are settled, so an `after` schedule sees how its last run ended.
  const scheduled = await scheduler.restore();
  if (scheduled > 0) app.log.info(`${scheduled} workflow schedule(s) armed`);
  const retention = options.retention ? new RetentionSweeper(options.store, options.retention, app.log) : undefined;
  retention?.start();
  app.addHook('preClose', async () => {
    // Watchers reconnect with Last-Event-ID to the next instance; they lose nothing.
    for (const end of [...context.openStreams]) end();
  });
  app.addHook('onClose', async () => {
    await retention?.close();
    await options.documentLoader?.close();
    // No new scheduled starts once the engine stops.
    await scheduler.close();
    await options.engine.close();
    await options.cluster?.leave();
  });
  return app;
}
