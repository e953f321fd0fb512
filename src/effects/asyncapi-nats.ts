import { connect, headers as natsHeaders, type Msg, type NatsConnection } from '@nats-io/transport-node';
import type { AsyncApiMessage, ResolvedAuthentication } from '../core/effects.ts';
import { workflowError } from '../core/errors.ts';
import type { Json } from '../core/json.ts';
import type { ResolvedChannel } from './asyncapi-document.ts';
import { upfrontAuthorization } from './call-credentials.ts';
import type { EffectContext } from './effect-context.ts';
import type { MessageSink, MessageSource } from './asyncapi-subscriptions.ts';
import { egressTarget } from './egress/egress-fetch.ts';

const CONNECT_TIMEOUT_MS = 10_000;

/** Connects to the channel's NATS server; basic becomes user/password, bearer a token. */
async function connectTo(channel: ResolvedChannel, authentication: ResolvedAuthentication | undefined, context: EffectContext): Promise<NatsConnection> {
  const credentials = authentication === undefined ? {} : natsCredentials(await upfrontAuthorization(authentication, context, 'NATS'));
  const { target } = await egressTarget(context.egress, channel.host, 4222);
  try {
    return await connect({ servers: target, timeout: CONNECT_TIMEOUT_MS, reconnect: false, ...credentials });
  } catch (error) {
    throw workflowError('communication', `cannot connect to NATS server ${channel.host}: ${(error as Error).message}`, { status: 503 });
  }
}

/** The header form is where every policy (secret references included) is resolved; NATS wants its parts. */
function natsCredentials(header: string): { user: string; pass: string } | { token: string } {
  if (header.startsWith('Basic ')) {
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return { user: decoded.slice(0, colon), pass: decoded.slice(colon + 1) };
  }
  return { token: header.replace(/^Bearer /, '') };
}

/** Publishes one message (JSON payload, string headers) and waits until the server has it. */
export async function publishNats(
  channel: ResolvedChannel,
  message: { payload?: Json; headers: Record<string, string> },
  authentication: ResolvedAuthentication | undefined,
  context: EffectContext,
): Promise<void> {
  const connection = await connectTo(channel, authentication, context);
  try {
    const headers = natsHeaders();
    for (const [name, value] of Object.entries(message.headers)) headers.set(name, value);
    const hasHeaders = Object.keys(message.headers).length > 0;
    connection.publish(channel.address, message.payload === undefined ? '' : JSON.stringify(message.payload), hasHeaders ? { headers } : {});
    await connection.flush();
  } catch (error) {
    throw workflowError('communication', `publishing to NATS subject ${channel.address} failed: ${(error as Error).message}`);
  } finally {
    await connection.close();
  }
}

/** Subscribes to the channel's subject; each NATS message becomes `{ payload, headers, correlationId? }`. */
export async function subscribeNats(channel: ResolvedChannel, authentication: ResolvedAuthentication | undefined, context: EffectContext, sink: MessageSink): Promise<MessageSource> {
  const connection = await connectTo(channel, authentication, context);
  const subscription = connection.subscribe(channel.address, {
    callback: (error, msg) => {
      if (error) sink.end(workflowError('communication', `NATS subscription to ${channel.address} failed: ${error.message}`));
      else sink.push(toMessage(msg));
    },
  });
  // The subscription exists on the server once this round trip completes: nothing published after it is missed.
  await connection.flush();
  void connection.closed().then((error) => {
    sink.end(error ? workflowError('communication', `NATS connection to ${channel.host} closed: ${error.message}`) : undefined);
  });
  return {
    close: async () => {
      subscription.unsubscribe();
      await connection.close();
    },
  };
}

function toMessage(msg: Msg): AsyncApiMessage {
  const text = new TextDecoder().decode(msg.data);
  let payload: Json = text;
  try {
    payload = text === '' ? null : (JSON.parse(text) as Json);
  } catch {
    // Not JSON: the payload stays the text.
  }
  const headers: Record<string, string> = {};
  for (const name of msg.headers?.keys() ?? []) headers[name] = msg.headers!.get(name);
  const correlationId = headers.correlationId ?? headers['correlation-id'];
  return { payload, headers, ...(correlationId === undefined ? {} : { correlationId }) };
}
