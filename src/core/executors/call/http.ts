import { parseTemplate } from 'url-template';
import type { Json, JsonObject } from '../../json.ts';
import { isJsonObject } from '../../json.ts';
import type { HttpEffect, HttpOutputMode } from '../../effects.ts';
import { workflowError } from '../../errors.ts';
import { enclosedProgram } from '../../expr/runtime-expression.ts';
import type { TaskContext } from '../types.ts';
import { resolveAuthentication } from './authentication.ts';

const OUTPUT_MODES: readonly HttpOutputMode[] = ['content', 'response', 'raw'];

/** Resolves the `with` of a `call: http` task into a plain HTTP effect request. */
export function resolveHttpCall(args: JsonObject, input: Json, context: TaskContext): HttpEffect {
  const { execution, variables, pointer } = context;
  const evaluate = (value: Json | undefined) => execution.evaluator.template(value, input, variables, pointer);
  const endpoint = args.endpoint;
  const endpointObject = isJsonObject(endpoint) ? endpoint : undefined;
  const uriSpec = endpointObject ? endpointObject.uri : endpoint;
  if (typeof uriSpec !== 'string') throw workflowError('validation', 'call: http needs an endpoint URI', { instance: pointer });
  const method = evaluate(args.method);
  if (typeof method !== 'string') throw workflowError('validation', 'call: http needs a method', { instance: pointer });
  const output = (args.output ?? 'content') as HttpOutputMode;
  if (!OUTPUT_MODES.includes(output)) throw workflowError('validation', `unknown http output mode '${String(output)}'`, { instance: pointer });
  const authentication = resolveAuthentication(endpointObject?.authentication, input, context);
  return {
    kind: 'http',
    method: method.toUpperCase(),
    uri: resolveUri(uriSpec, input, context),
    headers: stringMap(evaluate(args.headers), 'headers', pointer),
    query: stringMap(evaluate(args.query), 'query', pointer),
    ...(args.body === undefined ? {} : { body: evaluate(args.body) }),
    output,
    redirect: args.redirect === true,
    ...(authentication ? { authentication } : {}),
  };
}

/** An endpoint URI: a runtime expression, or a URI template expanded with the input's top-level fields. */
export function resolveUri(uri: string, input: Json, { execution, variables, pointer }: TaskContext): string {
  if (enclosedProgram(uri) !== undefined) {
    const value = execution.evaluator.value(uri, input, variables, pointer);
    if (typeof value !== 'string') throw workflowError('expression', 'the endpoint expression must produce a string', { instance: pointer });
    return value;
  }
  const templateVariables: Record<string, string | number | boolean> = {};
  if (isJsonObject(input)) {
    for (const [key, value] of Object.entries(input)) {
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') templateVariables[key] = value;
    }
  }
  return parseTemplate(uri).expand(templateVariables);
}

function stringMap(value: Json, field: string, pointer: string): Record<string, string> {
  if (value === null) return {};
  if (!isJsonObject(value)) throw workflowError('validation', `http ${field} must be a map`, { instance: pointer });
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item !== null) out[key] = typeof item === 'string' ? item : JSON.stringify(item);
  }
  return out;
}
