import type { AsyncApiPublishEffect, AsyncApiReceiveEffect, AsyncApiSubscribeEffect, AsyncApiTarget, AsyncApiUnsubscribeEffect } from '../core/effects.ts';
import { CancelledError, workflowError } from '../core/errors.ts';
import type { Json, JsonObject } from '../core/json.ts';
import { loadAsyncApiDocument, resolveChannel, type ResolvedChannel } from './asyncapi-document.ts';
import { publishHttp, subscribeHttp } from './asyncapi-http.ts';
import { publishNats, subscribeNats } from './asyncapi-nats.ts';
import { closeSubscription, openSubscription, receive } from './asyncapi-subscriptions.ts';
import type { EffectContext } from './effect-context.ts';

const SUPPORTED = ['nats', 'http', 'https'];

async function channelOf(target: AsyncApiTarget, context: EffectContext): Promise<ResolvedChannel> {
  const channel = resolveChannel(await loadAsyncApiDocument(target, context), target);
  if (!SUPPORTED.includes(channel.protocol)) {
    throw workflowError('configuration', `AsyncAPI protocol '${channel.protocol}' is not supported by this runtime (supported: ${SUPPORTED.join(', ')})`);
  }
  return channel;
}

/** Publishes the message on the operation's channel; the output is the message as sent. */
export async function performAsyncApiPublish(effect: AsyncApiPublishEffect, context: EffectContext): Promise<Json> {
  if (context.signal.aborted) throw new CancelledError('asyncapi publish cancelled');
  const channel = await channelOf(effect, context);
  if (channel.protocol === 'nats') await publishNats(channel, effect.message, effect.authentication, context);
  else await publishHttp(channel, effect.message, effect.authentication, context);
  return effect.message as JsonObject;
}

/** Opens a subscription on the operation's channel; it closes on unsubscribe or when the task's scope is cancelled. */
export async function performAsyncApiSubscribe(effect: AsyncApiSubscribeEffect, context: EffectContext): Promise<Json> {
  if (context.signal.aborted) throw new CancelledError('asyncapi subscribe cancelled');
  const channel = await channelOf(effect, context);
  const subscription = await openSubscription(
    (sink) => (channel.protocol === 'nats' ? subscribeNats(channel, effect.authentication, context, sink) : subscribeHttp(channel, effect.authentication, context, sink)),
    context.signal,
  );
  return { subscription };
}

export async function performAsyncApiReceive(effect: AsyncApiReceiveEffect, context: EffectContext): Promise<Json> {
  return (await receive(effect.subscription, effect.timeoutMs, context.signal)) as Json;
}

export async function performAsyncApiUnsubscribe(effect: AsyncApiUnsubscribeEffect): Promise<Json> {
  await closeSubscription(effect.subscription);
  return null;
}
