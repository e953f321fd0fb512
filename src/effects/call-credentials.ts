import type { ResolvedAuthentication } from '../core/effects.ts';
import { workflowError } from '../core/errors.ts';
import { NO_SECRETS } from '../secrets/secret-store.ts';
import { accessToken } from './auth/oauth2-token.ts';
import { oauth2SettingsOf, policyOf } from './auth/policy.ts';
import { authorizationHeader } from './credentials.ts';
import type { EffectContext } from './effect-context.ts';

/**
 * The Authorization value for protocols that send credentials once, up front (gRPC metadata,
 * NATS connect, MCP and A2A streams): basic and bearer (secret references resolved here), and
 * an oauth2/oidc access token (fetched or reused from the token cache). Digest answers an HTTP
 * challenge, which these protocols never send.
 */
export async function upfrontAuthorization(authentication: ResolvedAuthentication, context: EffectContext, protocol: string): Promise<string> {
  const secrets = context.secrets ?? NO_SECRETS;
  const policy = policyOf(authentication, secrets);
  if (policy.scheme === 'oauth2' || policy.scheme === 'oidc') return `Bearer ${await accessToken(oauth2SettingsOf(policy), policy.scheme, secrets, context)}`;
  if (policy.scheme === 'digest') throw workflowError('configuration', `digest authentication needs an HTTP challenge, which ${protocol} does not send`);
  return authorizationHeader(authentication, context);
}
