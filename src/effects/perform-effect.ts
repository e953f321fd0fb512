import type { EffectRequest } from '../core/effects.ts';
import { isWorkflowError, WorkflowError, workflowError, type ProblemDetails } from '../core/errors.ts';
import type { Json } from '../core/json.ts';
import { unsealSecrets } from '../core/secret-sealing.ts';
import { NO_SECRETS } from '../secrets/secret-store.ts';
import type { EffectContext } from './effect-context.ts';
import { performEmit } from './emit.ts';
import { performAsyncApiPublish, performAsyncApiReceive, performAsyncApiSubscribe, performAsyncApiUnsubscribe } from './asyncapi.ts';
import { performA2a } from './a2a.ts';
import { performGrpc } from './grpc.ts';
import { performMcp } from './mcp.ts';
import { performHttp } from './http.ts';
import { performOpenApi } from './openapi.ts';
import { performRunContainer } from './run/container.ts';
import { performRunScript } from './run/script.ts';
import { performRunShell } from './run/shell.ts';
import { performRunWorkflow } from './run/workflow.ts';

export type { EffectContext } from './effect-context.ts';

type EffectPerformers = {
  [K in EffectRequest['kind']]: (request: Extract<EffectRequest, { kind: K }>, context: EffectContext) => Promise<Json>;
};

/** One performer per effect kind: a new kind in `EffectRequest` is a compile error here until handled. */
const performers: EffectPerformers = {
  http: performHttp,
  openapi: performOpenApi,
  emit: performEmit,
  grpc: performGrpc,
  'asyncapi.publish': performAsyncApiPublish,
  'asyncapi.subscribe': performAsyncApiSubscribe,
  'asyncapi.receive': performAsyncApiReceive,
  'asyncapi.unsubscribe': performAsyncApiUnsubscribe,
  a2a: performA2a,
  mcp: performMcp,
  'run.shell': performRunShell,
  'run.script': performRunScript,
  'run.container': performRunContainer,
  'run.workflow': performRunWorkflow,
};

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
  // Requests may arrive as deserialized activity input, so the kind is checked at run time too.
  const perform = performers[request.kind] as ((request: EffectRequest, context: EffectContext) => Promise<Json>) | undefined;
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
