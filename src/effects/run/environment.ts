import type { SecretText } from '../../core/effects.ts';
import type { EffectContext } from '../effect-context.ts';
import { NO_SECRETS } from '../../secrets/secret-store.ts';

/** The process environment with secret references resolved (only here, just before spawning). */
export function resolveEnvironment(environment: Record<string, SecretText>, context: EffectContext): Record<string, string> {
  const secrets = context.secrets ?? NO_SECRETS;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(environment)) out[name] = secrets.text(value, `environment variable ${name}`);
  return out;
}
