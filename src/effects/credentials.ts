import type { ResolvedAuthentication } from '../core/effects.ts';

/** Header names whose values are credentials: never copied into outputs, errors or logs. */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key']);

export const REDACTED = '[redacted]';

/** The Authorization header value for a resolved authentication policy. */
export function authorizationHeader(authentication: ResolvedAuthentication): string {
  if ('basic' in authentication) {
    const { username, password } = authentication.basic;
    return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
  }
  return `Bearer ${authentication.bearer.token}`;
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
