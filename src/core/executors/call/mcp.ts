import type { Json, JsonObject } from '../../json.ts';
import { isJsonObject } from '../../json.ts';
import type { Duration } from '../../model.ts';
import type { McpEffect } from '../../effects.ts';
import { workflowError } from '../../errors.ts';
import { resolveDuration } from '../../resolve-duration.ts';
import type { TaskContext } from '../types.ts';
import { resolveAuthentication } from './authentication.ts';
import { resolveUri } from './http.ts';

const DEFAULT_PROTOCOL_VERSION = '2025-06-18';

/** Resolves the `with` of a `call: mcp` task into one MCP request over HTTP or stdio. */
export function resolveMcpCall(args: JsonObject, input: Json, context: TaskContext): McpEffect {
  const { execution, variables, pointer } = context;
  const evaluate = (value: Json | undefined) => execution.evaluator.template(value, input, variables, pointer);
  if (typeof args.method !== 'string') throw workflowError('validation', 'call: mcp needs a method', { instance: pointer });
  const parameters = args.parameters === undefined ? {} : evaluate(args.parameters);
  if (!isJsonObject(parameters)) throw workflowError('validation', 'call: mcp parameters must evaluate to a map', { instance: pointer });
  const transport = isJsonObject(args.transport) ? args.transport : {};
  const client = isJsonObject(args.client) ? evaluate(args.client) : null;
  const timeoutMs = args.timeout === undefined ? undefined : resolveDuration(args.timeout as Duration, execution.evaluator, input, variables, pointer);
  return {
    kind: 'mcp',
    protocolVersion: typeof args.protocolVersion === 'string' ? args.protocolVersion : DEFAULT_PROTOCOL_VERSION,
    method: args.method,
    parameters,
    transport: resolveTransport(transport, input, context),
    client: {
      name: isJsonObject(client) && typeof client.name === 'string' ? client.name : 'cairn',
      version: isJsonObject(client) && typeof client.version === 'string' ? client.version : execution.runtimeDescriptor.version as string,
    },
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  };
}

function resolveTransport(transport: JsonObject, input: Json, context: TaskContext): McpEffect['transport'] {
  const { execution, variables, pointer } = context;
  const evaluate = (value: Json | undefined) => execution.evaluator.template(value, input, variables, pointer);
  if (isJsonObject(transport.http)) {
    const endpoint = transport.http.endpoint;
    const uri = isJsonObject(endpoint) ? endpoint.uri : endpoint;
    if (typeof uri !== 'string') throw workflowError('validation', 'call: mcp transport.http needs an endpoint', { instance: pointer });
    const authentication = isJsonObject(endpoint) ? resolveAuthentication(endpoint.authentication, input, context) : undefined;
    return { http: { endpoint: resolveUri(uri, input, context), headers: strings(evaluate(transport.http.headers), 'transport.http.headers', pointer), ...(authentication ? { authentication } : {}) } };
  }
  if (isJsonObject(transport.stdio)) {
    const command = evaluate(transport.stdio.command);
    if (typeof command !== 'string' || command === '') throw workflowError('validation', 'call: mcp transport.stdio needs a command', { instance: pointer });
    const argv = evaluate(transport.stdio.arguments ?? []);
    if (!Array.isArray(argv)) throw workflowError('validation', 'call: mcp transport.stdio.arguments must be a list', { instance: pointer });
    return {
      stdio: {
        command,
        arguments: argv.map((item) => (typeof item === 'string' ? item : JSON.stringify(item))),
        environment: strings(evaluate(transport.stdio.environment), 'transport.stdio.environment', pointer),
      },
    };
  }
  throw workflowError('validation', 'call: mcp needs transport.http or transport.stdio', { instance: pointer });
}

function strings(value: Json, field: string, pointer: string): Record<string, string> {
  if (value === null) return {};
  if (!isJsonObject(value)) throw workflowError('validation', `call: mcp ${field} must be a map`, { instance: pointer });
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) if (item !== null) out[key] = typeof item === 'string' ? item : JSON.stringify(item);
  return out;
}
