import type { EffectRequest } from '../core/effects.ts';
import { isWorkflowError, WorkflowError, workflowError, type ProblemDetails } from '../core/errors.ts';
import type { Json } from '../core/json.ts';
import { unsealSecrets } from '../core/secret-sealing.ts';
import { tracingConfigured } from '../observability/otel-env.ts';
import { NO_SECRETS } from '../secrets/secret-store.ts';
import type { EffectContext } from './effect-context.ts';
export type { EffectContext } from './effect-context.ts';


type Performer<K extends EffectRequest['kind']> = (request: Extract<EffectRequest, { kind: K }>, context: EffectContext) => Promise<Json>;
type AnyPerformer = (request: EffectRequest, context: EffectContext) => Promise<Json>;

/**
 * One performer per effect kind, each imported on its first use: a run loads only the protocols it
 * calls (gRPC, MCP, NATS… are heavy). A new kind in `EffectRequest` is a compile error here until handled.
 */
const performerLoaders: { [K in EffectRequest['kind']]: () => Promise<Performer<K>> } = {
  http: async () => (await import('./http.ts')).performHttp,
  openapi: async () => (await import('./openapi.ts')).performOpenApi,
  emit: async () => (await import('./emit.ts')).performEmit,
  grpc: async () => (await import('./grpc.ts')).performGrpc,
  'asyncapi.publish': async () => (await import('./asyncapi.ts')).performAsyncApiPublish,
  'asyncapi.subscribe': async () => (await import('./asyncapi.ts')).performAsyncApiSubscribe,
  'asyncapi.receive': async () => (await import('./asyncapi.ts')).performAsyncApiReceive,
  'asyncapi.unsubscribe': async () => (await import('./asyncapi.ts')).performAsyncApiUnsubscribe,
  a2a: async () => (await import('./a2a.ts')).performA2a,
  mcp: async () => (await import('./mcp.ts')).performMcp,
  'run.shell': async () => (await import('./run/shell.ts')).performRunShell,
  'run.script': async () => (await import('./run/script.ts')).performRunScript,
  'run.container': async () => (await import('./run/container.ts')).performRunContainer,
  'run.workflow': async () => (await import('./run/workflow.ts')).performRunWorkflow,
};

const loadedPerformers = new Map<string, AnyPerformer>();

/** The kind's performer: straight from the cache once loaded (no extra await on the hot path). */
function performerFor(kind: string): AnyPerformer | undefined {
  const loaded = loadedPerformers.get(kind);
  if (loaded !== undefined || !Object.hasOwn(performerLoaders, kind)) return loaded;
  const load = performerLoaders[kind as EffectRequest['kind']] as () => Promise<AnyPerformer>;
  return async (request, context) => {
    const perform = await load();
    loadedPerformers.set(kind, perform);
    return perform(request, context);
  };
}

/** Effects that start a process on this machine: `run` shell/script/container and MCP over stdio. */
function startsProcess(request: EffectRequest): boolean {
  return request.kind === 'run.shell' || request.kind === 'run.script' || request.kind === 'run.container' || (request.kind === 'mcp' && 'stdio' in request.transport);
}

function processName(request: EffectRequest): string {
  return request.kind === 'mcp' ? 'call: mcp over stdio' : `${request.kind} task`;
}

/**
 * Performs an effect the interpreter resolved. Rejects with `WorkflowError` (no `instance`; the
 * core sets it) or `CancelledError` when `context.signal` aborts.
 */
export function performEffect(request: EffectRequest, context: EffectContext): Promise<Json> {
  const traceparent = context.traceparent;
  // A host sets a traceparent when the execution is traced, but a Temporal worker gets it from the
  // client: where this process's OTEL_* ask for no traces it still goes out (the task's span is the
  // callee's parent), and no tracing is loaded, so nothing is exported.
  if (traceparent === undefined || !tracingConfigured()) return performUntraced(request, context);
  return import('../observability/effect-span.ts').then(({ performInSpan }) => performInSpan(request, { ...context, traceparent }, (traced) => performUntraced(request, traced)));
}

function performUntraced(request: EffectRequest, context: EffectContext): Promise<Json> {
  // Requests may arrive as deserialized activity input, so the kind is checked at run time too.
  const perform = performerFor(request.kind);
  if (perform === undefined) {
    return Promise.reject(workflowError('configuration', `unknown effect kind ${JSON.stringify(request.kind)}`));
  }
  if (startsProcess(request) && context.allowProcesses !== true) {
    return Promise.reject(workflowError('authorization', `${processName(request)} would start a process, which is disabled here (the operator enables processes with allowProcesses / --allow-processes)`));
  }
  const secrets = context.secrets;
  let unsealed: EffectRequest;
  try {
    unsealed = unsealSecrets(request as unknown as Json, (path) => (secrets ?? NO_SECRETS).text({ secret: path }, 'text')) as unknown as EffectRequest;
  } catch (error) {
    return Promise.reject(error);
  }
  if (secrets === undefined) return perform(unsealed, context);
  // Whatever a performer hands back lands in events and Temporal history: scrub secret values first.
  return perform(unsealed, context).then(
    (result) => secrets.redact(result),
    (error: unknown) => {
      throw isWorkflowError(error) ? new WorkflowError(secrets.redact(error.problem as never) as unknown as ProblemDetails) : error;
    },
  );
}
