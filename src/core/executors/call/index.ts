import type { Json, JsonObject } from '../../json.ts';
import type { EffectRequest } from '../../effects.ts';
import { workflowError } from '../../errors.ts';
import type { Executor, TaskContext } from '../types.ts';
import { resolveHttpCall } from './http.ts';
import { resolveOpenApiCall } from './openapi.ts';

type CallResolver = (args: JsonObject, input: Json, context: TaskContext) => EffectRequest;

/** One resolver per call protocol: each turns `with` into an effect request for the host. */
const resolvers: Record<string, CallResolver> = {
  http: resolveHttpCall,
  openapi: resolveOpenApiCall,
};

/** `call`: resolves the call into an effect request, and the host performs it. */
export const call: Executor<'call'> = async (task, input, context) => {
  const resolver = resolvers[task.call];
  if (!resolver) {
    throw workflowError('configuration', `call: ${task.call} is not supported by this runtime yet`, { instance: context.pointer });
  }
  const request = resolver(task.with ?? {}, input, context);
  const output = await context.execution.host.perform(request, { summary: context.pointer }, context.frame.scope);
  return { output };
};
