import { randomUUID } from 'node:crypto';
import type { A2aEffect, ResolvedAuthentication } from '../core/effects.ts';
import { CancelledError, isWorkflowError, workflowError, type WorkflowError } from '../core/errors.ts';
import { isJsonObject, type Json, type JsonObject } from '../core/json.ts';
import { upfrontAuthorization } from './call-credentials.ts';
import type { EffectContext } from './effect-context.ts';
import { performHttp } from './http.ts';
import { rewriteUrl } from './rewrite-url.ts';
import { egressFetch } from './egress/egress-fetch.ts';
import { DEFAULT_MAX_RESPONSE_BYTES, readLimitedText } from './response-body.ts';

/** Methods whose answer is a stream of JSON-RPC responses (server-sent events). */
const STREAMING = new Set(['message/stream', 'tasks/resubscribe']);

/**
 * Sends one A2A JSON-RPC request: to `server`, or to the `url` of the agent card. The output is
 * the JSON-RPC result (for streaming methods, the ordered array of every result). Any failure is
 * a `runtime` error, as the spec requires, keeping the HTTP status and the JSON-RPC error.
 */
export async function performA2a(effect: A2aEffect, context: EffectContext): Promise<Json> {
  if (context.signal.aborted) throw new CancelledError('a2a call cancelled before it started');
  try {
    const endpoint = effect.server ?? (await agentUrl(effect.agentCard!, effect.agentCardAuthentication, context));
    const request = { jsonrpc: '2.0', id: randomUUID(), method: effect.method, params: effect.parameters };
    if (STREAMING.has(effect.method)) return await stream(endpoint, request, effect.authentication, context);
    const response = await performHttp(
      {
        kind: 'http',
        method: 'POST',
        uri: endpoint,
        headers: { accept: 'application/json' },
        query: {},
        body: request,
        output: 'content',
        redirect: false,
        ...(effect.authentication ? { authentication: effect.authentication } : {}),
      },
      context,
    );
    return resultOf(response, effect.method);
  } catch (error) {
    // The spec makes every A2A failure a runtime error; configuration and authorization errors keep their type.
    if (isWorkflowError(error) && error.problem.type.endsWith('/communication')) {
      const { type: _type, title: _title, ...rest } = error.problem;
      throw workflowError('runtime', `a2a ${effect.method}: ${error.problem.detail ?? ''}`, rest);
    }
    throw error;
  }
}

async function agentUrl(card: string, authentication: ResolvedAuthentication | undefined, context: EffectContext): Promise<string> {
  const document = await performHttp(
    { kind: 'http', method: 'GET', uri: card, headers: { accept: 'application/json' }, query: {}, output: 'content', redirect: false, ...(authentication ? { authentication } : {}) },
    context,
  );
  if (!isJsonObject(document)) throw workflowError('runtime', `the agent card at ${card} is not a JSON object`);
  const transports = [{ url: document.url, transport: document.preferredTransport ?? 'JSONRPC' }, ...(Array.isArray(document.additionalInterfaces) ? document.additionalInterfaces : [])];
  const jsonRpc = transports.find((item) => isJsonObject(item) && item.transport === 'JSONRPC' && typeof item.url === 'string') as { url: string } | undefined;
  if (jsonRpc === undefined) throw workflowError('runtime', `the agent card at ${card} names no JSON-RPC url`);
  return new URL(jsonRpc.url, card).href;
}

function resultOf(response: Json, method: string): Json {
  if (!isJsonObject(response) || response.jsonrpc !== '2.0') throw workflowError('runtime', `a2a ${method}: the answer is not a JSON-RPC 2.0 response`);
  if (isJsonObject(response.error)) throw rpcError(response.error, method);
  return response.result ?? null;
}

function rpcError(error: JsonObject, method: string): WorkflowError {
  return workflowError('runtime', `a2a ${method} failed: ${String(error.message ?? 'error')} (JSON-RPC code ${String(error.code)})`, { jsonRpcError: error });
}

/** POSTs with `Accept: text/event-stream` and collects each event's JSON-RPC result, in order. */
async function stream(endpoint: string, request: JsonObject, authentication: ResolvedAuthentication | undefined, context: EffectContext): Promise<Json> {
  const url = rewriteUrl(new URL(endpoint), context.endpointRewrites);
  const headers: Record<string, string> = { accept: 'text/event-stream', 'content-type': 'application/json' };
  if (authentication) headers.authorization = await upfrontAuthorization(authentication, context, 'an A2A stream');
  if (context.traceparent) headers.traceparent = context.traceparent;
  let response: Response;
  try {
    response = await egressFetch(context.egress, url, { method: 'POST', headers, body: JSON.stringify(request), signal: context.signal });
  } catch (error) {
    if (context.signal.aborted) throw new CancelledError('a2a stream cancelled');
    if (isWorkflowError(error)) throw error;
    throw workflowError('runtime', `POST ${url.href} failed: ${(error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message}`, { status: 503 });
  }
  if (!response.ok) throw workflowError('runtime', `POST ${url.href} answered HTTP ${response.status}`, { status: response.status });
  const text = await readLimitedText(response, context.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES, `POST ${url.href}`).catch((error: unknown) => {
    if (context.signal.aborted) throw new CancelledError('a2a stream cancelled');
    if (isWorkflowError(error)) throw error;
    throw workflowError('runtime', `the a2a stream broke: ${(error as Error).message}`);
  });
  if (!(response.headers.get('content-type') ?? '').includes('text/event-stream')) return [resultOf(parseJson(text, request.method as string), request.method as string)];
  const results: Json[] = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    const data = block.split(/\r?\n/).filter((line) => line.startsWith('data:')).map((line) => line.slice(5).replace(/^ /, '')).join('\n');
    if (data !== '') results.push(resultOf(parseJson(data, request.method as string), request.method as string));
  }
  return results;
}

function parseJson(text: string, method: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch {
    throw workflowError('runtime', `a2a ${method}: the answer is not JSON`);
  }
}
