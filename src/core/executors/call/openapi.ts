import type { Json, JsonObject } from '../../json.ts';
import { isJsonObject } from '../../json.ts';
import type { HttpOutputMode, OpenApiEffect } from '../../effects.ts';
import { workflowError } from '../../errors.ts';
import type { TaskContext } from '../types.ts';
import { resolveAuthentication } from './authentication.ts';
import { resolveUri } from './http.ts';

/** Resolves the `with` of a `call: openapi` task; the host loads the document and builds the request. */
export function resolveOpenApiCall(args: JsonObject, input: Json, context: TaskContext): OpenApiEffect {
  const { execution, variables, pointer } = context;
  const document = args.document;
  const endpoint = isJsonObject(document) ? document.endpoint : undefined;
  const endpointObject = isJsonObject(endpoint) ? endpoint : undefined;
  const uri = endpointObject ? endpointObject.uri : endpoint;
  if (typeof uri !== 'string') throw workflowError('validation', 'call: openapi needs document.endpoint', { instance: pointer });
  if (typeof args.operationId !== 'string') throw workflowError('validation', 'call: openapi needs an operationId', { instance: pointer });
  const parameters = execution.evaluator.template(args.parameters ?? {}, input, variables, pointer);
  if (!isJsonObject(parameters)) throw workflowError('validation', 'openapi parameters must be a map', { instance: pointer });
  const documentAuthentication = resolveAuthentication(endpointObject?.authentication, input, context);
  const authentication = resolveAuthentication(args.authentication, input, context);
  return {
    kind: 'openapi',
    document: resolveUri(uri, input, context),
    ...(documentAuthentication ? { documentAuthentication } : {}),
    operationId: args.operationId,
    parameters,
    output: (args.output ?? 'content') as HttpOutputMode,
    redirect: args.redirect === true,
    ...(authentication ? { authentication } : {}),
  };
}
