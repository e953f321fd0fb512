import type { Json, JsonObject } from './json.ts';
import { isJsonObject } from './json.ts';

/** What a secret value is replaced with wherever it would leave the runtime. */
export const REDACTED = '[redacted]';

/** Collects the secret strings to redact (values of at least 4 characters, to avoid redacting noise), longest first. */
export function secretStrings(secrets: Json): string[] {
  const found = new Set<string>();
  const walk = (value: Json): void => {
    if (typeof value === 'string') {
      if (value.length >= 4) found.add(value);
    } else if (Array.isArray(value)) value.forEach(walk);
    else if (isJsonObject(value)) Object.values(value).forEach(walk);
  };
  walk(secrets);
  return [...found].sort((a, b) => b.length - a.length);
}

/** Replaces every occurrence of a secret inside a string. */
export function redactText(text: string, secrets: readonly string[]): string {
  return secrets.reduce((result, secret) => result.split(secret).join(REDACTED), text);
}

/** Replaces every occurrence of a secret inside strings, at any depth. */
export function redactSecrets(value: Json, secrets: readonly string[]): Json {
  if (secrets.length === 0) return value;
  if (typeof value === 'string') return redactText(value, secrets);
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, secrets));
  if (isJsonObject(value)) {
    const out: JsonObject = {};
    for (const [key, item] of Object.entries(value)) out[key] = redactSecrets(item, secrets);
    return out;
  }
  return value;
}
