import type { Json, JsonObject } from '../../json.ts';
import { isJsonObject } from '../../json.ts';
import type { GrpcEffect } from '../../effects.ts';
import { workflowError } from '../../errors.ts';
import type { TaskContext } from '../types.ts';
import { resolveAuthentication } from './authentication.ts';
import { resolveUri } from './http.ts';

/** Resolves the `with` of a `call: grpc` task; the host loads the proto and makes the call. */
export function resolveGrpcCall(args: JsonObject, input: Json, context: TaskContext): GrpcEffect {
  const { execution, variables, pointer } = context;
  const evaluate = (value: Json | undefined) => execution.evaluator.template(value, input, variables, pointer);
  const proto = isJsonObject(args.proto) ? args.proto.endpoint : undefined;
  const protoUri = isJsonObject(proto) ? proto.uri : proto;
  if (typeof protoUri !== 'string') throw workflowError('validation', 'call: grpc needs proto.endpoint', { instance: pointer });
  const service = isJsonObject(args.service) ? args.service : undefined;
  const name = evaluate(service?.name);
  const host = evaluate(service?.host);
  const port = evaluate(service?.port);
  const method = evaluate(args.method);
  if (typeof name !== 'string' || typeof host !== 'string') throw workflowError('validation', 'call: grpc needs service.name and service.host', { instance: pointer });
  if (typeof method !== 'string') throw workflowError('validation', 'call: grpc needs a method', { instance: pointer });
  if (port !== null && (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535)) {
    throw workflowError('validation', 'call: grpc service.port must be an integer between 0 and 65535', { instance: pointer });
  }
  const callArguments = evaluate(args.arguments ?? {});
  if (!isJsonObject(callArguments)) throw workflowError('validation', 'call: grpc arguments must be a map', { instance: pointer });
  const authentication = resolveAuthentication(service?.authentication, input, context);
  return {
    kind: 'grpc',
    proto: resolveUri(protoUri, input, context),
    service: name,
    host,
    ...(port === null ? {} : { port }),
    method,
    arguments: callArguments,
    ...(authentication ? { authentication } : {}),
  };
}
