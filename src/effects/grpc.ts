import * as grpc from '@grpc/grpc-js';
import type { GrpcEffect } from '../core/effects.ts';
import { CancelledError, workflowError } from '../core/errors.ts';
import type { Json, JsonObject } from '../core/json.ts';
import { upfrontAuthorization } from './call-credentials.ts';
import type { EffectContext } from './effect-context.ts';
import { loadProto } from './grpc-proto.ts';
import { rewriteUrl } from './rewrite-url.ts';
import { egressTarget } from './egress/egress-fetch.ts';

/** gRPC status codes as HTTP statuses, so `try.catch` can filter communication errors on `status`. */
const HTTP_STATUS: Record<number, number> = {
  [grpc.status.CANCELLED]: 499,
  [grpc.status.INVALID_ARGUMENT]: 400,
  [grpc.status.DEADLINE_EXCEEDED]: 504,
  [grpc.status.NOT_FOUND]: 404,
  [grpc.status.ALREADY_EXISTS]: 409,
  [grpc.status.PERMISSION_DENIED]: 403,
  [grpc.status.RESOURCE_EXHAUSTED]: 429,
  [grpc.status.FAILED_PRECONDITION]: 400,
  [grpc.status.ABORTED]: 409,
  [grpc.status.OUT_OF_RANGE]: 400,
  [grpc.status.UNIMPLEMENTED]: 501,
  [grpc.status.UNAVAILABLE]: 503,
  [grpc.status.UNAUTHENTICATED]: 401,
};

type ServiceClient = grpc.Client & Record<string, (...args: unknown[]) => unknown>;
type MethodDefinition = grpc.MethodDefinition<unknown, unknown>;

/**
 * Calls a gRPC method through a client built at run time from the proto. Unary methods output the
 * response message; server-streaming methods output the array of messages. A non-OK status is a
 * communication error whose `status` is the matching HTTP status, with `grpcStatus` and `grpcCode`.
 */
export async function performGrpc(effect: GrpcEffect, context: EffectContext): Promise<Json> {
  if (context.signal.aborted) throw new CancelledError('grpc call cancelled before it started');
  const root = await loadProto(effect.proto, context);
  const Service = lookupService(root, effect.service, effect.proto);
  const definition = Service.service[effect.method] ?? Object.values(Service.service).find((method) => method.originalName === effect.method);
  if (definition === undefined) {
    throw workflowError('configuration', `service ${effect.service} has no method ${effect.method} (methods: ${Object.keys(Service.service).join(', ')})`);
  }
  if (definition.requestStream) throw workflowError('configuration', `${effect.service}/${effect.method} is a client-streaming method, which call: grpc does not support`);

  const { target, secure } = grpcTarget(effect, context.endpointRewrites);
  const credentials = secure ? grpc.credentials.createSsl() : grpc.credentials.createInsecure();
  const checked = await egressTarget(context.egress, target, secure ? 443 : 80);
  // Connected to the checked address, named as the target (authority, TLS server name).
  const client = new Service(checked.target, credentials, checked.target === target ? {} : { 'grpc.default_authority': target, 'grpc.ssl_target_name_override': checked.host }) as ServiceClient;
  const metadata = new grpc.Metadata();
  if (effect.authentication !== undefined) metadata.set('authorization', await upfrontAuthorization(effect.authentication, context, 'gRPC'));
  if (context.traceparent) metadata.set('traceparent', context.traceparent);
  // Named as the document names it: a rewrite (a fixture standing in) does not change the message.
  const label = `${effect.service}/${effect.method} at ${effect.host}:${effect.port ?? 443}`;
  try {
    return definition.responseStream
      ? await serverStream(client, definition, effect.arguments, metadata, label, context.signal)
      : await unary(client, definition, effect.arguments, metadata, label, context.signal);
  } finally {
    client.close();
  }
}

/**
 * Where the call goes: `host:port`, TLS on port 443 (the default) and plaintext elsewhere. Endpoint
 * rewrites apply as to HTTP calls, on the origin `https://host` (port 443) or `http://host:port`,
 * so fixtures can stand in for a gRPC service whose document names a literal host and port.
 */
function grpcTarget(effect: GrpcEffect, rewrites: Record<string, string> | undefined): { target: string; secure: boolean } {
  const port = effect.port ?? 443;
  const origin = new URL(port === 443 ? `https://${effect.host}` : `http://${effect.host}:${port}`);
  const url = rewriteUrl(origin, rewrites);
  if (url === origin) return { target: `${effect.host}:${port}`, secure: port === 443 };
  const secure = url.protocol === 'https:';
  return { target: `${url.hostname}:${url.port || (secure ? '443' : '80')}`, secure };
}

function lookupService(root: grpc.GrpcObject, name: string, proto: string): grpc.ServiceClientConstructor {
  let node: unknown = root;
  for (const part of name.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
  if (typeof node !== 'function' || !('service' in node)) throw workflowError('configuration', `proto ${proto} defines no service ${name}`);
  return node as grpc.ServiceClientConstructor;
}

function unary(client: ServiceClient, definition: MethodDefinition, request: JsonObject, metadata: grpc.Metadata, label: string, signal: AbortSignal): Promise<Json> {
  return new Promise((resolve, reject) => {
    const call = client.makeUnaryRequest(definition.path, definition.requestSerialize, definition.responseDeserialize, request, metadata, {}, (error, response) => {
      signal.removeEventListener('abort', onAbort);
      if (signal.aborted) reject(new CancelledError(`${label} cancelled`));
      else if (error) reject(statusError(error, label));
      else resolve(response as Json);
    });
    const onAbort = () => call.cancel();
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function serverStream(client: ServiceClient, definition: MethodDefinition, request: JsonObject, metadata: grpc.Metadata, label: string, signal: AbortSignal): Promise<Json> {
  return new Promise((resolve, reject) => {
    const messages: Json[] = [];
    const call = client.makeServerStreamRequest(definition.path, definition.requestSerialize, definition.responseDeserialize, request, metadata, {});
    const onAbort = () => call.cancel();
    signal.addEventListener('abort', onAbort, { once: true });
    call.on('data', (message: Json) => messages.push(message));
    call.on('error', (error: grpc.ServiceError) => {
      signal.removeEventListener('abort', onAbort);
      reject(signal.aborted ? new CancelledError(`${label} cancelled`) : statusError(error, label));
    });
    call.on('end', () => {
      signal.removeEventListener('abort', onAbort);
      resolve(messages);
    });
  });
}

function statusError(error: grpc.ServiceError, label: string) {
  const name = grpc.status[error.code] ?? String(error.code);
  return workflowError('communication', `${label} failed with ${name}: ${error.details || error.message}`, {
    status: HTTP_STATUS[error.code] ?? 500,
    grpcStatus: name,
    grpcCode: error.code,
  });
}
