import { createHash } from 'node:crypto';
import type { OAuth2Settings, SecretText } from '../../core/effects.ts';
import type { Json, JsonObject } from '../../core/json.ts';
import { isJsonObject } from '../../core/json.ts';
import { CancelledError, isWorkflowError, workflowError } from '../../core/errors.ts';
import type { SecretStore } from '../../secrets/secret-store.ts';
import type { EffectContext } from '../effect-context.ts';
import { rewriteUrl } from '../rewrite-url.ts';
import { egressFetch } from '../egress/egress-fetch.ts';
import { DEFAULT_MAX_RESPONSE_BYTES, readLimitedText } from '../response-body.ts';

interface CachedToken {
  accessToken: string;
  refreshToken?: string;
  /** Epoch ms after which the token is not used (expiry minus a safety margin). */
  usableUntil: number;
}

/** Tokens are reused until shortly before they expire; a token without `expires_in` is used for this long. */
const EXPIRY_MARGIN_MS = 30_000;
const DEFAULT_LIFETIME_MS = 5 * 60_000;
const GRANTS: Record<string, string> = {
  client_credentials: 'client_credentials',
  password: 'password',
  refresh_token: 'refresh_token',
  'urn:ietf:params:oauth:grant-type:token-exchange': 'urn:ietf:params:oauth:grant-type:token-exchange',
};

/** Process-wide token and discovery caches: one worker serves many executions with the same clients. */
const tokens = new Map<string, CachedToken>();
const discoveries = new Map<string, Promise<JsonObject>>();

/** Drops a token the resource server rejected, so the next call fetches a fresh one. */
export function forgetToken(settings: OAuth2Settings, kind: 'oauth2' | 'oidc', secrets: SecretStore): void {
  tokens.delete(cacheKey(settings, kind, secrets));
}

/**
 * An access token for an `oauth2` or `oidc` policy: from the cache, by refreshing an expired cached
 * token that came with a refresh token, or from the token endpoint (oidc: found by discovery).
 * Failures are `authentication` errors (401) that name the endpoint and the OAuth error code only.
 */
export async function accessToken(settings: OAuth2Settings, kind: 'oauth2' | 'oidc', secrets: SecretStore, context: EffectContext): Promise<string> {
  const key = cacheKey(settings, kind, secrets);
  const cached = tokens.get(key);
  if (cached && cached.usableUntil > Date.now()) return cached.accessToken;
  const endpoint = await tokenEndpoint(settings, kind, context);
  let token: CachedToken | undefined;
  if (cached?.refreshToken !== undefined) {
    token = await requestToken(endpoint, { grant_type: 'refresh_token', refresh_token: cached.refreshToken }, settings, secrets, context).catch(() => undefined);
  }
  token ??= await requestToken(endpoint, grantParameters(settings, secrets), settings, secrets, context);
  tokens.set(key, token);
  return token.accessToken;
}

/**
 * Tokens are shared only between identical settings with identical credentials: the key covers
 * every resolved credential (hashed, so the map never holds them in clear), never just the client id.
 */
function cacheKey(settings: OAuth2Settings, kind: string, secrets: SecretStore): string {
  const optional = (value: SecretText | undefined, field: string) => (value === undefined ? null : secrets.text(value, field));
  const material = JSON.stringify([
    kind,
    settings.authority,
    settings.tokenEndpoint ?? null,
    settings.grant,
    settings.client?.authentication ?? null,
    optional(settings.client?.id, 'client id'),
    optional(settings.client?.secret, 'client secret'),
    optional(settings.client?.assertion, 'client assertion'),
    optional(settings.username, 'username'),
    optional(settings.password, 'password'),
    optional(settings.subject?.token, 'subject token'),
    optional(settings.actor?.token, 'actor token'),
    settings.scopes ?? [],
    settings.audiences ?? [],
    settings.encoding ?? null,
  ]);
  return createHash('sha256').update(material).digest('hex');
}

function grantParameters(settings: OAuth2Settings, secrets: SecretStore): Record<string, string | string[]> {
  const grant = GRANTS[settings.grant];
  if (grant === undefined) {
    throw workflowError('configuration', `OAuth2 grant '${settings.grant}' is not supported (client_credentials, password, refresh_token, token-exchange)`);
  }
  const parameters: Record<string, string | string[]> = { grant_type: grant };
  const need = (value: SecretText | undefined, field: string): string => {
    if (value === undefined) throw workflowError('configuration', `OAuth2 grant '${settings.grant}' needs ${field}`);
    return secrets.text(value, field);
  };
  if (grant === 'password') {
    parameters.username = need(settings.username, 'username');
    parameters.password = need(settings.password, 'password');
  } else if (grant === 'refresh_token') {
    parameters.refresh_token = need(settings.subject?.token, 'subject.token (the refresh token)');
  } else if (grant !== 'client_credentials') {
    parameters.subject_token = need(settings.subject?.token, 'subject.token');
    parameters.subject_token_type = settings.subject!.type;
    if (settings.actor) {
      parameters.actor_token = need(settings.actor.token, 'actor.token');
      parameters.actor_token_type = settings.actor.type;
    }
  }
  if (settings.scopes?.length) parameters.scope = settings.scopes.join(' ');
  if (settings.audiences?.length) parameters.audience = settings.audiences;
  return parameters;
}

async function requestToken(
  endpoint: URL,
  grant: Record<string, string | string[]>,
  settings: OAuth2Settings,
  secrets: SecretStore,
  context: EffectContext,
): Promise<CachedToken> {
  const parameters = { ...grant };
  const headers: Record<string, string> = { accept: 'application/json' };
  const client = settings.client ?? {};
  const method = client.authentication ?? 'client_secret_post';
  const clientId = client.id === undefined ? undefined : secrets.text(client.id, 'client id');
  const clientSecret = client.secret === undefined ? undefined : secrets.text(client.secret, 'client secret');
  if (method === 'client_secret_basic') {
    const pair = `${encodeURIComponent(clientId ?? '')}:${encodeURIComponent(clientSecret ?? '')}`;
    headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
  } else {
    if (clientId !== undefined) parameters.client_id = clientId;
    if (method === 'client_secret_post' && clientSecret !== undefined) parameters.client_secret = clientSecret;
    if (method === 'client_secret_jwt' || method === 'private_key_jwt') {
      if (client.assertion === undefined) throw workflowError('configuration', `client authentication ${method} needs client.assertion`);
      parameters.client_assertion_type = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
      parameters.client_assertion = secrets.text(client.assertion, 'client assertion');
    }
  }
  let body: string;
  if (settings.encoding === 'application/json') {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(parameters);
  } else {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    const form = new URLSearchParams();
    for (const [name, value] of Object.entries(parameters)) for (const item of [value].flat()) form.append(name, item);
    body = form.toString();
  }
  const answer = await fetchJson(endpoint, { method: 'POST', headers, body }, 'token request', context);
  if (typeof answer.access_token !== 'string') throw workflowError('authentication', `the token endpoint ${endpoint.origin}${endpoint.pathname} answered without an access_token`);
  checkIssuer(answer.access_token, settings.issuers);
  const lifetimeMs = typeof answer.expires_in === 'number' ? answer.expires_in * 1000 : DEFAULT_LIFETIME_MS;
  return {
    accessToken: answer.access_token,
    ...(typeof answer.refresh_token === 'string' ? { refreshToken: answer.refresh_token } : {}),
    usableUntil: Date.now() + lifetimeMs - Math.min(EXPIRY_MARGIN_MS, lifetimeMs / 2),
  };
}

/** oauth2: authority + `endpoints.token` (default `/oauth2/token`); oidc: the discovery document's `token_endpoint`. */
async function tokenEndpoint(settings: OAuth2Settings, kind: 'oauth2' | 'oidc', context: EffectContext): Promise<URL> {
  if (kind === 'oauth2') {
    const path = settings.tokenEndpoint ?? '/oauth2/token';
    const joined = /^https?:\/\//i.test(path) ? path : `${settings.authority.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
    return rewriteUrl(parseUrl(joined), context.endpointRewrites);
  }
  const discoveryUrl = settings.authority.includes('/.well-known/')
    ? settings.authority
    : `${settings.authority.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  let discovery = discoveries.get(discoveryUrl);
  if (!discovery) {
    discovery = fetchJson(rewriteUrl(parseUrl(discoveryUrl), context.endpointRewrites), { method: 'GET', headers: { accept: 'application/json' } }, 'OpenID discovery', context);
    discoveries.set(discoveryUrl, discovery);
    discovery.catch(() => discoveries.delete(discoveryUrl));
  }
  const document = await discovery;
  if (settings.issuers?.length && !settings.issuers.includes(String(document.issuer))) {
    throw workflowError('authentication', `OpenID issuer ${JSON.stringify(document.issuer)} is not one of the accepted issuers`);
  }
  if (typeof document.token_endpoint !== 'string') throw workflowError('authentication', `the OpenID configuration at ${discoveryUrl} has no token_endpoint`);
  return rewriteUrl(parseUrl(document.token_endpoint), context.endpointRewrites);
}

async function fetchJson(url: URL, init: RequestInit, what: string, context: EffectContext): Promise<JsonObject> {
  const where = `${url.origin}${url.pathname}`;
  let response: Response;
  let text: string;
  try {
    response = await egressFetch(context.egress, url, { ...init, signal: context.signal, redirect: 'manual' });
    text = await readLimitedText(response, context.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES, `${what} to ${where}`);
  } catch (error) {
    if (context.signal.aborted) throw new CancelledError(`${what} cancelled`);
    if (isWorkflowError(error)) throw error;
    throw workflowError('communication', `${what} to ${where} failed: ${(error as Error).message}`, { status: 503 });
  }
  let parsed: Json | undefined;
  try {
    parsed = JSON.parse(text) as Json;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const code = isJsonObject(parsed) && typeof parsed.error === 'string' ? ` (${parsed.error})` : '';
    throw workflowError('authentication', `${what} to ${where} was refused: HTTP ${response.status}${code}`);
  }
  if (!isJsonObject(parsed)) throw workflowError('authentication', `${what} to ${where} did not answer a JSON object`);
  return parsed;
}

/** When `issuers` is set and the access token is a JWT, its `iss` claim must be one of them. */
function checkIssuer(token: string, issuers: string[] | undefined): void {
  if (!issuers?.length) return;
  const payload = token.split('.')[1];
  if (payload === undefined) return;
  let issuer: unknown;
  try {
    issuer = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss?: unknown }).iss;
  } catch {
    return;
  }
  if (typeof issuer === 'string' && !issuers.includes(issuer)) {
    throw workflowError('authentication', `the token issuer ${JSON.stringify(issuer)} is not one of the accepted issuers`);
  }
}

function parseUrl(text: string): URL {
  try {
    return new URL(text);
  } catch {
    throw workflowError('configuration', `${JSON.stringify(text)} is not an absolute URL`);
  }
}
