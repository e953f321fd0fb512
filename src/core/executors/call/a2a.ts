import type { Json, JsonObject } from '../../json.ts';
import { isJsonObject } from '../../json.ts';
import type { A2aEffect } from '../../effects.ts';
import { workflowError } from '../../errors.ts';
import type { TaskContext } from '../types.ts';
import { resolveAuthentication } from './authentication.ts';
import { resolveUri } from './http.ts';

/**
 * Resolves the `with` of a `call: a2a` task. For `message/send` and `message/stream`,
 * `message.messageId` defaults to a UUID (from the host, so replays reuse it) and `message.role`
 * to `user`, as the spec requires.
 */
export function resolveA2aCall(args: JsonObject, input: Json, context: TaskContext): A2aEffect {
  const { execution, variables, pointer } = context;
  if (typeof args.method !== 'string') throw workflowError('validation', 'call: a2a needs a method', { instance: pointer });
  const card = isJsonObject(args.agentCard) ? args.agentCard.endpoint : undefined;
  const cardUri = isJsonObject(card) ? card.uri : card;
  const server = args.server;
  const serverUri = isJsonObject(server) ? server.uri : server;
  if (typeof cardUri !== 'string' && typeof serverUri !== 'string') {
    throw workflowError('validation', 'call: a2a needs an agentCard or a server', { instance: pointer });
  }
  let parameters = args.parameters === undefined ? {} : execution.evaluator.template(args.parameters, input, variables, pointer);
  if (args.method === 'message/send' || args.method === 'message/stream') parameters = withMessageDefaults(parameters, execution.host.uuid(), pointer);
  const cardAuthentication = typeof cardUri === 'string' && isJsonObject(card) ? resolveAuthentication(card.authentication, input, context) : undefined;
  const authentication = typeof cardUri !== 'string' && isJsonObject(server) ? resolveAuthentication(server.authentication, input, context) : cardAuthentication;
  return {
    kind: 'a2a',
    method: args.method,
    ...(typeof cardUri === 'string' ? { agentCard: resolveUri(cardUri, input, context) } : { server: resolveUri(serverUri as string, input, context) }),
    ...(cardAuthentication ? { agentCardAuthentication: cardAuthentication } : {}),
    ...(authentication ? { authentication } : {}),
    parameters,
  };
}

function withMessageDefaults(parameters: Json, messageId: string, pointer: string): JsonObject {
  if (!isJsonObject(parameters) || !isJsonObject(parameters.message)) {
    throw workflowError('validation', 'call: a2a message/send and message/stream need parameters.message', { instance: pointer });
  }
  const message = parameters.message;
  return { ...parameters, message: { ...message, messageId: message.messageId ?? messageId, role: message.role ?? 'user', kind: message.kind ?? 'message' } };
}
