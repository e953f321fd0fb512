import type { Json, JsonObject } from './json.ts';
import { isJsonObject } from './json.ts';
import { isSecretReference, type SecretReference } from './effects.ts';

/**
 * A string of an effect request that held secret values: text parts and references to the
 * secrets, joined again only by the Node side that performs the effect. So a computed value like
 * `"Bearer " + $secrets.token` never travels in an effect request (a Temporal activity input).
 */
export interface SealedText {
  $secretText: Array<string | SecretReference>;
}

/** Secret values that are sealed: strings of at least 4 characters (as redaction), longest first. */
export type SecretEntries = ReadonlyArray<readonly [value: string, path: string]>;

export function secretEntries(secrets: JsonObject): SecretEntries {
  const entries = new Map<string, string>();
  const walk = (value: Json, path: string): void => {
    if (typeof value === 'string' && value.length >= 4) entries.set(value, path);
    else if (isJsonObject(value)) for (const [key, item] of Object.entries(value)) walk(item, `${path}.${key}`);
  };
  for (const [name, value] of Object.entries(secrets)) walk(value, name);
  return [...entries].sort(([a], [b]) => b.length - a.length);
}

/**
 * `$secrets` for a run whose performers hold the values but the interpreter does not (a Temporal
 * worker started with secrets, an execution started without them): each secret the document
 * declares is a placeholder text. Strings computed from it seal like values do, so the performer
 * puts the real value in; a secret used as an object (`$secrets.name.field`) is not supported this way.
 */
export function secretPlaceholders(names: readonly string[]): JsonObject {
  return Object.fromEntries(names.map((name) => [name, `\u27e6secret:${name}\u27e7`]));
}

/** Replaces every string holding a secret value with its sealed form, at any depth. */
export function sealSecrets(value: Json, entries: SecretEntries): Json {
  if (entries.length === 0) return value;
  if (typeof value === 'string') return sealText(value, entries);
  if (Array.isArray(value)) return value.map((item) => sealSecrets(item, entries));
  if (isJsonObject(value) && !isSecretReference(value)) {
    const out: JsonObject = {};
    for (const [key, item] of Object.entries(value)) out[key] = sealSecrets(item, entries);
    return out;
  }
  return value;
}

function sealText(text: string, entries: SecretEntries): Json {
  const parts: Array<string | SecretReference> = [];
  let rest = text;
  while (rest.length > 0) {
    let found: { index: number; value: string; path: string } | undefined;
    for (const [value, path] of entries) {
      const index = rest.indexOf(value);
      // Longest first: at the same position the longer secret wins.
      if (index >= 0 && (found === undefined || index < found.index)) found = { index, value, path };
    }
    if (!found) {
      parts.push(rest);
      break;
    }
    if (found.index > 0) parts.push(rest.slice(0, found.index));
    parts.push({ secret: found.path });
    rest = rest.slice(found.index + found.value.length);
  }
  return parts.some((part) => typeof part !== 'string') ? ({ $secretText: parts } as unknown as Json) : text;
}

export function isSealedText(value: unknown): value is SealedText {
  return isJsonObject(value as Json) && Array.isArray((value as JsonObject).$secretText) && Object.keys(value as JsonObject).length === 1;
}

/** Joins sealed strings again, resolving each reference (Node side, right before performing). */
export function unsealSecrets(value: Json, resolve: (path: string) => string): Json {
  if (isSealedText(value)) return value.$secretText.map((part) => (typeof part === 'string' ? part : resolve(part.secret))).join('');
  if (Array.isArray(value)) return value.map((item) => unsealSecrets(item, resolve));
  if (isJsonObject(value)) {
    const out: JsonObject = {};
    for (const [key, item] of Object.entries(value)) out[key] = unsealSecrets(item, resolve);
    return out;
  }
  return value;
}
