import type { AsyncApiMessage, ResolvedAuthentication } from '../core/effects.ts';
import { isWorkflowError, workflowError } from '../core/errors.ts';
import type { Json } from '../core/json.ts';
import type { ResolvedChannel } from './asyncapi-document.ts';
import type { MessageSink, MessageSource } from './asyncapi-subscriptions.ts';
import type { EffectContext } from './effect-context.ts';
import { upfrontAuthorization } from './call-credentials.ts';
import { performHttp } from './http.ts';
import { rewriteUrl } from './rewrite-url.ts';
import { egressFetch } from './egress/egress-fetch.ts';

/** The channel's URL: server host and pathname, then the channel address. */
function channelUrl(channel: ResolvedChannel): string {
  const scheme = channel.protocol === 'https' ? 'https' : 'http';
  const base = `${scheme}://${channel.host}${channel.pathname}`.replace(/\/+$/, '');
  return `${base}/${channel.address.replace(/^\/+/, '')}`;
}

/** Publishes by POSTing the payload as JSON, with the message headers as HTTP headers. */
export async function publishHttp(
  channel: ResolvedChannel,
  message: { payload?: Json; headers: Record<string, string> },
  authentication: ResolvedAuthentication | undefined,
  context: EffectContext,
): Promise<void> {
  await performHttp(
    {
      kind: 'http',
      method: 'POST',
      uri: channelUrl(channel),
      headers: { 'content-type': 'application/json', ...message.headers },
      query: {},
      body: message.payload ?? null,
      output: 'content',
      redirect: false,
      ...(authentication ? { authentication } : {}),
    },
    context,
  );
}

/**
 * Subscribes with a streaming GET: a `text/event-stream` (each event's data is one payload) or
 * newline-delimited JSON (each line one payload). The stream ending ends the subscription.
 */
export async function subscribeHttp(
  channel: ResolvedChannel,
  authentication: ResolvedAuthentication | undefined,
  context: EffectContext,
  sink: MessageSink,
): Promise<MessageSource> {
  const url = rewriteUrl(new URL(channelUrl(channel)), context.endpointRewrites);
  const abort = new AbortController();
  const headers: Record<string, string> = { accept: 'text/event-stream, application/x-ndjson' };
  if (authentication) headers.authorization = await upfrontAuthorization(authentication, context, 'an HTTP message stream');
  let response: Response;
  try {
    response = await egressFetch(context.egress, url, { headers, signal: abort.signal });
  } catch (error) {
    if (isWorkflowError(error)) throw error;
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw workflowError('communication', `GET ${url.href} failed: ${cause}`, { status: 503 });
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw workflowError('communication', `GET ${url.href} answered HTTP ${response.status}`, { status: response.status });
  }
  const eventStream = (response.headers.get('content-type') ?? '').includes('text/event-stream');
  void pump(response.body, eventStream, sink, abort.signal);
  return { close: async () => abort.abort() };
}

async function pump(body: ReadableStream<Uint8Array>, eventStream: boolean, sink: MessageSink, signal: AbortSignal): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  const emit = (text: string) => sink.push(toMessage(text));
  try {
    for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline).replace(/\r$/, '');
        buffer = buffer.slice(newline + 1);
        if (!eventStream) {
          if (line.trim() !== '') emit(line);
        } else if (line === '') {
          if (data.length > 0) emit(data.join('\n'));
          data = [];
        } else if (line.startsWith('data:')) {
          data.push(line.slice(5).replace(/^ /, ''));
        }
      }
    }
    sink.end();
  } catch (error) {
    sink.end(signal.aborted ? undefined : workflowError('communication', `the HTTP message stream broke: ${(error as Error).message}`));
  }
}

function toMessage(text: string): AsyncApiMessage {
  try {
    return { payload: JSON.parse(text) as Json, headers: {} };
  } catch {
    return { payload: text, headers: {} };
  }
}
