import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  bundleWorkflowCode,
  DefaultLogger,
  NativeConnection,
  Runtime,
  Worker,
  type BundleOptions,
  type InjectedSinks,
  type Logger,
  type LogMetadata,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import type { Configuration as WebpackConfiguration } from 'webpack';
import { InProcessEventBus } from '../../bus/in-process-bus.ts';
import { createActivities, type CairnActivityDependencies } from './activities.ts';
import { CODEC_KEY_ENV, payloadCodecs } from './encryption-codec.ts';
import { WORKFLOW_ERROR_FAILURE } from './failures.ts';
import { workerLogLine } from './worker-log.ts';
import { DEFAULT_TASK_QUEUE, type ProgressSinks } from './messages.ts';
import { createProgressDelivery, type ProgressDeliveryOptions } from './progress-delivery.ts';
import { ProgressOutbox } from './progress-outbox.ts';
import { registerSearchAttributes } from './register-search-attributes.ts';
import { bundleInThread } from './bundle-in-thread.ts';
import { tracingConfigured } from '../../observability/otel-env.ts';
import type { workerTracing } from '../../observability/temporal-tracing.ts';

/** The generic workflow's module beside this one: `workflow.ts` in src/ (tests), `workflow.js` in dist/. */
export const WORKFLOWS_PATH = fileURLToPath(new URL(`./workflow${extname(fileURLToPath(import.meta.url))}`, import.meta.url));

/**
 * The bundle's source map keeps lines, not columns nor sources: the SDK maps every frame of the
 * stack it records for each promise the workflow creates, and keeps the map in memory per worker.
 * Nothing else is relaxed, so a Node built-in imported anywhere under the workflow fails the bundle.
 */
function leanSourceMap(config: WebpackConfiguration): WebpackConfiguration {
  config.devtool = 'inline-nosources-cheap-module-source-map';
  return config;
}

/** Hands each activation's progress events to the worker in one sink call (always bundled). */
export const ACTIVATION_END_PATH = fileURLToPath(new URL(`./activation-end${extname(fileURLToPath(import.meta.url))}`, import.meta.url));

/** Temporal's OpenTelemetry workflow interceptors as Cairn uses them, bundled when OTEL_* asks for traces. */
export const WORKFLOW_INTERCEPTORS_PATH = fileURLToPath(new URL(`./workflow-interceptors${extname(fileURLToPath(import.meta.url))}`, import.meta.url));

export const WORKFLOW_BUNDLE_OPTIONS: Omit<BundleOptions, 'workflowsPath'> = { webpackConfigHook: leanSourceMap };

/** Bundles, by whether the workflow's spans are traced. */
const bundled = new Map<boolean, Promise<WorkflowBundleWithSourceMap>>();

/** Bundles the generic workflow once per process (webpack takes seconds; every worker reuses it), in a thread of its own. */
export function workflowBundle(traced = tracingConfigured()): Promise<WorkflowBundleWithSourceMap> {
  let bundle = bundled.get(traced);
  if (!bundle) {
    bundle = bundleInThread(traced);
    bundled.set(traced, bundle);
  }
  return bundle;
}

/** Runs webpack in the calling thread (bundle-in-thread.ts calls it from its thread). */
export function bundleWorkflowCodeHere(traced: boolean): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    ...WORKFLOW_BUNDLE_OPTIONS,
    workflowInterceptorModules: [ACTIVATION_END_PATH, ...(traced ? [WORKFLOW_INTERCEPTORS_PATH] : [])],
    logger: quietBundlerLogger,
  });
}

type WorkerTracing = Awaited<ReturnType<typeof workerTracing>>;

export interface CairnWorkerParts extends Partial<Omit<WorkerTracing, 'sinks'>> {
  workflowBundle: WorkflowBundleWithSourceMap;
  activities: ReturnType<typeof createActivities>;
  /** Where workflows hand their progress events, and their spans when traced (merge with your own sinks if you have any). */
  sinks: InjectedSinks<ProgressSinks> & Partial<WorkerTracing['sinks']>;
  dataConverter: { payloadCodecs: ReturnType<typeof payloadCodecs> };
}

export interface CairnWorkerPartsOptions extends Partial<CairnActivityDependencies>, ProgressDeliveryOptions {
  /** Base64 AES-256 key of the payload codec; defaults to `CAIRN_TEMPORAL_CODEC_KEY`. */
  codecKey?: string;
}

/**
 * What `Worker.create` needs to run Cairn's generic workflow: its bundle, Cairn's activities, the
 * progress sink and payload codec, and when OTEL_* asks for traces Temporal's interceptors and span sink.
 */
export async function cairnWorkerParts(options: CairnWorkerPartsOptions = {}): Promise<CairnWorkerParts> {
  const traced = tracingConfigured();
  const tracing = traced ? await (await import('../../observability/temporal-tracing.ts')).workerTracing() : undefined;
  const deliverProgress = createProgressDelivery({ progressSink: options.progressSink, serviceUrl: options.serviceUrl });
  const activities = createActivities(
    {
      bus: options.bus ?? new InProcessEventBus(),
      endpointRewrites: options.endpointRewrites,
      secrets: options.secrets,
      allowProcesses: options.allowProcesses,
      workflows: options.workflows,
      effectPolicy: options.effectPolicy,
    },
    deliverProgress,
  );
  const outbox = new ProgressOutbox(deliverProgress, (message, meta) => Runtime.instance().logger.warn(message, meta));
  return {
    ...(tracing ? { interceptors: tracing.interceptors } : {}),
    workflowBundle: await workflowBundle(traced),
    activities,
    sinks: { ...tracing?.sinks, ...outbox.sinks() },
    dataConverter: { payloadCodecs: payloadCodecs(options.codecKey ?? process.env[CODEC_KEY_ENV]) },
  };
}

/**
 * What `Worker.runReplayHistories` needs for the generic workflow: its bundle, and the sinks it
 * calls (replay runs none of them, but a sink the worker lacks is logged as an error per call).
 */
export async function replayWorkerOptions(): Promise<Pick<CairnWorkerParts, 'workflowBundle' | 'sinks'>> {
  const traced = tracingConfigured();
  const progress = new ProgressOutbox(async () => undefined).sinks();
  return { workflowBundle: await workflowBundle(traced), sinks: traced ? { ...progress, cairnSpans: { export: { fn: () => undefined } } } : progress };
}

export interface CairnWorkerOptions extends CairnWorkerPartsOptions {
  connection: NativeConnection;
  namespace?: string;
  taskQueue?: string;
  /** Bounds memory: each cached execution holds its interpreter and jq instances. */
  maxCachedWorkflows?: number;
}

/**
 * A worker for the generic workflow and Cairn's activities (registering Cairn's search attributes
 * in the namespace first). Call `run()` on it; `shutdown()` to stop.
 */
export async function createCairnWorker(options: CairnWorkerOptions): Promise<Worker> {
  await registerSearchAttributes(options.connection.operatorService, options.namespace ?? 'default');
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
    maxCachedWorkflows: options.maxCachedWorkflows ?? 100,
    ...(await cairnWorkerParts(options)),
  });
}

const quietBundlerLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string, meta?: Record<string, unknown>) => console.warn(message, meta ?? ''),
  error: (message: string, meta?: Record<string, unknown>) => console.error(message, meta ?? ''),
};

/** A worker-side connection; the first one in the process installs the quiet runtime. */
export function connectWorker(address: string): Promise<NativeConnection> {
  installQuietRuntime();
  return NativeConnection.connect({ address });
}

let runtimeInstalled = false;

/**
 * The SDK logs every worker state change at INFO and every failed activity at WARN. Cairn's output
 * is the workflow's: warnings and up only, minus activities failing with a DSL error (an HTTP 404
 * the workflow catches is not a worker problem; the progress events already report it).
 */
export function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({
      logger: withoutDslFailures(new DefaultLogger('WARN', workerLogLine())),
      // Core's own WARN lines (a failing replay, a retried poll) repeat what the tests and the TS logger report.
      telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
      // The commands own Ctrl-C: `cairn run` cancels its execution and lets its worker finish the
      // cancel; the SDK's default would shut the worker down under the run's feet.
      shutdownSignals: [],
    });
  } catch {
    // Another part of the process installed the runtime first; its logger stays.
  }
}

function withoutDslFailures(inner: Logger): Logger {
  const isDslFailure = (message: string, meta?: LogMetadata): boolean => {
    const error = meta?.error as { type?: unknown; stack?: unknown } | undefined;
    // A faulted execution fails its Temporal workflow on purpose (the only ApplicationFailure the
    // workflow throws); that error reaches the worker log as a structured clone that kept only its stack.
    return error?.type === WORKFLOW_ERROR_FAILURE || (message === 'Workflow failed' && String(error?.stack).startsWith('ApplicationFailure:'));
  };
  return {
    log: (level, message, meta) => { if (!isDslFailure(message, meta)) inner.log(level, message, meta); },
    trace: (message, meta) => inner.trace(message, meta),
    debug: (message, meta) => inner.debug(message, meta),
    info: (message, meta) => inner.info(message, meta),
    warn: (message, meta) => { if (!isDslFailure(message, meta)) inner.warn(message, meta); },
    error: (message, meta) => inner.error(message, meta),
  };
}
