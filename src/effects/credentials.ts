import { REDACTED } from '../core/redaction.ts';
import type { ResolvedAuthentication } from '../core/effects.ts';
import { staticAuthorizationHeader } from './auth/authenticated-exchange.ts';
import type { EffectContext } from './effect-context.ts';

/** Header names whose values are credentials: never copied into outputs, errors or logs. */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key']);


/**
 * The Authorization header value for a basic or bearer policy (secret references resolved from
 * `context.secrets`); digest, oauth2 and oidc need an exchange (see auth/authenticated-exchange.ts).
 */
export function authorizationHeader(authentication: ResolvedAuthentication, context: Pick<EffectContext, 'secrets'> = {}): string {
  return staticAuthorizationHeader(authentication, context);
}

/** A copy of `headers` with every credential-bearing value replaced by `[redacted]`. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = SECRET_HEADERS.has(name.toLowerCase()) ? REDACTED : value;
  }
  return out;
}

/** The URL without `user:password@`, for messages and outputs. */
export function withoutUserInfo(url: URL): string {
  if (url.username === '' && url.password === '') return url.href;
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  return copy.href;
}
