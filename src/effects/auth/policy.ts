import type { OAuth2Settings, ResolvedAuthentication, SecretText } from '../../core/effects.ts';
import { isSecretReference } from '../../core/effects.ts';
import type { Json } from '../../core/json.ts';
import { isJsonObject } from '../../core/json.ts';
import { workflowError } from '../../core/errors.ts';
import type { SecretStore } from '../../secrets/secret-store.ts';

export type Scheme = 'basic' | 'bearer' | 'digest' | 'oauth2' | 'oidc';

export interface Policy {
  scheme: Scheme;
  /** The policy body: references still unresolved, except a whole-policy secret (`use: secretName`), expanded here. */
  body: Record<string, Json | SecretText | undefined>;
}

/** Splits a resolved authentication into scheme and body, expanding `{ secret }` bodies from the store. */
export function policyOf(authentication: ResolvedAuthentication, secrets: SecretStore): Policy {
  const scheme = (['basic', 'bearer', 'digest', 'oauth2', 'oidc'] as const).find((candidate) => candidate in authentication);
  if (scheme === undefined) throw workflowError('configuration', 'unknown authentication scheme');
  const body = (authentication as Record<Scheme, unknown>)[scheme];
  if (isSecretReference(body)) {
    const value = secrets.resolve(body.secret);
    if (!isJsonObject(value)) {
      if (scheme === 'bearer' && typeof value === 'string') return { scheme, body: { token: body } };
      throw workflowError('configuration', `secret '${body.secret}' must hold the ${scheme} authentication properties`);
    }
    return { scheme, body: value };
  }
  return { scheme, body: body as Policy['body'] };
}

/** A required text field of a policy, resolved (secret references included). */
export function requiredText(policy: Policy, field: string, secrets: SecretStore): string {
  const value = policy.body[field];
  if (typeof value !== 'string' && !isSecretReference(value)) {
    throw workflowError('configuration', `${policy.scheme} authentication needs '${field}'`);
  }
  return secrets.text(value, `${policy.scheme} ${field}`);
}

/** The policy body as OAuth2 settings (a `use: secret` body has the spec's field names). */
export function oauth2SettingsOf(policy: Policy): OAuth2Settings {
  const body = policy.body as unknown as OAuth2Settings & { endpoints?: { token?: string } };
  if (typeof body.authority !== 'string' || typeof body.grant !== 'string') {
    throw workflowError('configuration', `${policy.scheme} authentication needs authority and grant`);
  }
  const settings: OAuth2Settings = { ...body };
  if (settings.tokenEndpoint === undefined && typeof body.endpoints?.token === 'string') settings.tokenEndpoint = body.endpoints.token;
  return settings;
}
