import type { Json, JsonObject } from '../../json.ts';
import type { CallTask } from '../../model.ts';
import type { EffectRequest } from '../../effects.ts';
import type { Executor, ExecutorResult, TaskContext } from '../types.ts';
import { resolveHttpCall } from './http.ts';
import { resolveOpenApiCall } from './openapi.ts';
import { runFunctionCall } from './function.ts';
import { resolveGrpcCall } from './grpc.ts';
import { runAsyncApiCall } from './asyncapi.ts';
import { resolveA2aCall } from './a2a.ts';
import { resolveMcpCall } from './mcp.ts';
import { lazyAuthorization } from './authentication.ts';
import { effectOptions } from '../../execution.ts';

type CallResolver = (args: JsonObject, input: Json, context: TaskContext) => EffectRequest;
type CallRunner = (task: CallTask, input: Json, context: TaskContext) => Promise<ExecutorResult>;

/** One resolver per call protocol: each turns `with` into an effect request for the host. */
const resolvers: Record<string, CallResolver> = {
  http: resolveHttpCall,
  openapi: resolveOpenApiCall,
  grpc: resolveGrpcCall,
  a2a: resolveA2aCall,
  mcp: resolveMcpCall,
};

/** Calls that need more than one effect, or tasks run by the interpreter between effects. */
const runners: Record<string, CallRunner> = {
  asyncapi: runAsyncApiCall,
};

/**
 * `call`: a built-in protocol resolves into an effect request the host performs; any other name
 * is a custom function (`use.functions` or a resolved catalog function).
 */
export const call: Executor<'call'> = async (task, input, context) => {
  if (Object.hasOwn(runners, task.call)) return runners[task.call]!(task, input, context);
  if (!Object.hasOwn(resolvers, task.call)) return runFunctionCall(task, input, context);
  const authorization = lazyAuthorization(task.with ?? {}, input, context);
  const request = resolvers[task.call]!(task.with ?? {}, input, { ...context, variables: { ...context.variables, authorization } });
  const output = await context.execution.perform(request, effectOptions(context.pointer, context.frame), context.frame.scope);
  return { output, variables: { authorization } };
};
