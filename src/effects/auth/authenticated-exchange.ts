import type { ResolvedAuthentication } from '../../core/effects.ts';
import { workflowError } from '../../core/errors.ts';
import { NO_SECRETS } from '../../secrets/secret-store.ts';
import type { EffectContext } from '../effect-context.ts';
import { digestAuthorization, parseDigestChallenge } from './digest.ts';
import { accessToken, forgetToken } from './oauth2-token.ts';
import { oauth2SettingsOf, policyOf, requiredText } from './policy.ts';

export interface OutgoingRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

type Send<R> = (request: OutgoingRequest) => Promise<R>;

/**
 * Sends a request under an authentication policy, resolving secret references only here:
 * basic and bearer set the header; digest answers the server's 401 challenge; oauth2 and oidc
 * get (or reuse) a token and, when the server rejects a cached one, fetch a fresh one once.
 */
export async function authenticatedExchange<R extends { response: Response }>(
  request: OutgoingRequest,
  authentication: ResolvedAuthentication,
  context: EffectContext,
  send: Send<R>,
): Promise<R> {
  const secrets = context.secrets ?? NO_SECRETS;
  const policy = policyOf(authentication, secrets);
  const withAuthorization = (value: string): OutgoingRequest => ({ ...request, headers: { ...withoutAuthorization(request.headers), authorization: value } });
  switch (policy.scheme) {
    case 'basic':
      return send(withAuthorization(basicHeader(requiredText(policy, 'username', secrets), requiredText(policy, 'password', secrets))));
    case 'bearer':
      return send(withAuthorization(`Bearer ${requiredText(policy, 'token', secrets)}`));
    case 'digest': {
      const credentials = { username: requiredText(policy, 'username', secrets), password: requiredText(policy, 'password', secrets) };
      const first = await send({ ...request, headers: withoutAuthorization(request.headers) });
      const challenge = first.response.status === 401 ? parseDigestChallenge(first.response.headers.get('www-authenticate') ?? '') : undefined;
      if (!challenge) return first;
      return send(withAuthorization(digestAuthorization(challenge, credentials, request.method, `${request.url.pathname}${request.url.search}`)));
    }
    case 'oauth2':
    case 'oidc': {
      const settings = oauth2SettingsOf(policy);
      const first = await send(withAuthorization(`Bearer ${await accessToken(settings, policy.scheme, secrets, context)}`));
      if (first.response.status !== 401) return first;
      forgetToken(settings, policy.scheme, secrets);
      return send(withAuthorization(`Bearer ${await accessToken(settings, policy.scheme, secrets, context)}`));
    }
  }
}

/**
 * The Authorization header for schemes that need no exchange (basic, bearer), for protocols that
 * set credentials once (gRPC metadata, document downloads).
 */
export function staticAuthorizationHeader(authentication: ResolvedAuthentication, context: Pick<EffectContext, 'secrets'>): string {
  const secrets = context.secrets ?? NO_SECRETS;
  const policy = policyOf(authentication, secrets);
  if (policy.scheme === 'basic') return basicHeader(requiredText(policy, 'username', secrets), requiredText(policy, 'password', secrets));
  if (policy.scheme === 'bearer') return `Bearer ${requiredText(policy, 'token', secrets)}`;
  throw workflowError('configuration', `${policy.scheme} authentication is only supported on HTTP calls`);
}

export function basicHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

function withoutAuthorization(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (name.toLowerCase() !== 'authorization') out[name] = value;
  return out;
}
