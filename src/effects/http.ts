import type { HttpEffect } from '../core/effects.ts';
import { CancelledError, isWorkflowError, workflowError } from '../core/errors.ts';
import type { Json, JsonObject } from '../core/json.ts';
import { authorizationHeader, redactHeaders, withoutUserInfo } from './credentials.ts';
import type { EffectContext } from './effect-context.ts';
import { authenticatedExchange } from './auth/authenticated-exchange.ts';
import { encodeBody } from './http-body.ts';
import { decodeContent, toBase64 } from './http-content.ts';
import { egressFetch } from './egress/egress-fetch.ts';
import { DEFAULT_MAX_RESPONSE_BYTES, readLimitedBody } from './response-body.ts';
import { rewriteUrl } from './rewrite-url.ts';

interface PreparedRequest {
  method: string;
  url: URL;
  /** What is sent, credentials included. */
  headers: Record<string, string>;
  body?: string;
}

/**
 * Performs an HTTP call. Redirects are never followed: with `redirect: false` any status outside
 * 200–299 is a communication error, with `redirect: true` outside 200–399. The error carries the
 * HTTP status and the response (credentials redacted), so `try.catch` can filter on `status`.
 */
export async function performHttp(effect: HttpEffect, context: EffectContext): Promise<Json> {
  if (context.signal.aborted) throw new CancelledError('http call cancelled before it started');
  const request = prepareRequest(effect, context.endpointRewrites, context.traceparent);
  const target = `${request.method} ${withoutUserInfo(request.url)}`;
  // The request actually sent last (with its credentials), so `output: response` shows them redacted.
  let sent = request;
  const send = (prepared: PreparedRequest) => exchange((sent = prepared), target, context);
  const { response, bytes } = effect.authentication === undefined
    ? await send(request)
    : await authenticatedExchange(request, effect.authentication, context, send);

  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const content = decodeContent(bytes, response.headers.get('content-type'));
  const httpResponse: JsonObject = {
    request: { method: request.method, uri: withoutUserInfo(request.url), headers: redactHeaders(sent.headers) },
    statusCode: response.status,
    headers: redactHeaders(headers),
    content,
  };

  const highest = effect.redirect ? 399 : 299;
  if (response.status < 200 || response.status > highest) {
    const reason = response.statusText ? ` ${response.statusText}` : '';
    throw workflowError('communication', `${target} answered HTTP ${response.status}${reason}`, {
      status: response.status,
      response: { ...httpResponse, content: boundedContent(content) },
    });
  }
  switch (effect.output) {
    case 'content':
      return content;
    case 'response':
      return httpResponse;
    case 'raw':
      return toBase64(bytes);
  }
}

/** Error bodies travel in progress events and Temporal history: keep big ones (HTML error pages) short. */
const MAX_ERROR_CONTENT_CHARS = 8192;

function boundedContent(content: Json): Json {
  const text = typeof content === 'string' ? content : JSON.stringify(content);
  if (text.length <= MAX_ERROR_CONTENT_CHARS) return content;
  return `${text.slice(0, MAX_ERROR_CONTENT_CHARS)}… (${text.length - MAX_ERROR_CONTENT_CHARS} more characters)`;
}

function prepareRequest(effect: HttpEffect, rewrites: Record<string, string> | undefined, traceparent: string | undefined): PreparedRequest {
  let url: URL;
  try {
    url = new URL(effect.uri);
  } catch {
    throw workflowError('configuration', `endpoint ${JSON.stringify(effect.uri)} is not an absolute URI`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw workflowError('configuration', `endpoint ${withoutUserInfo(url)} is not an http or https URI`);
  }
  for (const [name, value] of Object.entries(effect.query)) url.searchParams.append(name, value);
  url = rewriteUrl(url, rewrites);

  const method = effect.method.toUpperCase();
  const headers: Record<string, string> = { ...effect.headers };
  if (traceparent && !Object.keys(headers).some((name) => name.toLowerCase() === 'traceparent')) headers.traceparent = traceparent;
  let body: string | undefined;
  if (effect.body !== undefined) {
    if (method === 'GET' || method === 'HEAD') {
      throw workflowError('configuration', `a ${method} request cannot have a body (${withoutUserInfo(url)})`);
    }
    const contentTypeName = Object.keys(headers).find((name) => name.toLowerCase() === 'content-type');
    const encoded = encodeBody(effect.body, contentTypeName === undefined ? undefined : headers[contentTypeName]);
    body = encoded.body;
    if (contentTypeName === undefined) headers['content-type'] = encoded.contentType;
  }
  if (url.username !== '' || url.password !== '') {
    // fetch refuses URLs with credentials; send them as Basic auth unless a policy already did.
    if (effect.authentication === undefined) {
      const user = decodeURIComponent(url.username);
      const password = decodeURIComponent(url.password);
      headers.authorization = authorizationHeader({ basic: { username: user, password } });
    }
    url.username = '';
    url.password = '';
  }
  return body === undefined ? { method, url, headers } : { method, url, headers, body };
}

async function exchange(
  request: PreparedRequest,
  target: string,
  context: EffectContext,
): Promise<{ response: Response; bytes: Uint8Array }> {
  const { signal } = context;
  try {
    const response = await egressFetch(context.egress, request.url, {
      method: request.method,
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      redirect: 'manual',
      signal,
    });
    const bytes = await readLimitedBody(response, context.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES, target);
    return { response, bytes };
  } catch (error) {
    if (signal.aborted) throw new CancelledError(`${target} cancelled`);
    if (isWorkflowError(error)) throw error;
    throw workflowError('communication', `${target} failed: ${describeNetworkError(error)}`, { status: 503 });
  }
}

const NETWORK_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  UND_ERR_SOCKET: 'connection closed by the server',
};

/** A one-line reason from undici's `TypeError('fetch failed')` and its `cause` chain. */
function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause ?? error;
  const code = errorCode(cause);
  if (code !== undefined) return `${NETWORK_ERRORS[code] ?? 'network error'} (${code})`;
  return cause instanceof Error ? cause.message : String(cause);
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, errors } = error as { code?: unknown; errors?: unknown };
  if (typeof code === 'string') return code;
  if (Array.isArray(errors)) return errors.map(errorCode).find((item) => item !== undefined);
  return undefined;
}
