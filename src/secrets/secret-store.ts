import type { SecretText } from '../core/effects.ts';
import type { Json, JsonObject } from '../core/json.ts';
import { isJsonObject } from '../core/json.ts';
import { workflowError } from '../core/errors.ts';
import { redactSecrets, redactText, secretStrings } from '../core/redaction.ts';

/**
 * The operator's secrets on the Node side: performers resolve `{ secret: 'name.field' }` references
 * here, and everything they hand back (results, errors) is scrubbed of secret values.
 */
export class SecretStore {
  readonly #values: JsonObject;
  readonly #strings: readonly string[];

  constructor(values: JsonObject) {
    this.#values = values;
    this.#strings = secretStrings(values);
  }

  /** A secret, or one field of it (`name.field.sub`); a missing one is an `authorization` error (403), as the spec asks. */
  resolve(path: string): Json {
    let value: Json | undefined = this.#values;
    for (const segment of path.split('.')) value = isJsonObject(value) ? value[segment] : undefined;
    if (value === undefined || value === null) throw workflowError('authorization', `secret '${path}' is not available to this workflow`);
    return value;
  }

  /** A literal as is, a reference resolved to text. */
  text(value: SecretText, field: string): string {
    if (typeof value === 'string') return value;
    const resolved = this.resolve(value.secret);
    if (typeof resolved !== 'string' && typeof resolved !== 'number') {
      throw workflowError('configuration', `secret '${value.secret}' used as ${field} must be a string`);
    }
    return String(resolved);
  }

  /** Replaces every secret value inside strings, at any depth. */
  redact(value: Json): Json {
    return redactSecrets(value, this.#strings);
  }

  redactText(text: string): string {
    return redactText(text, this.#strings);
  }
}

/** No secrets: every reference is an authorization error. */
export const NO_SECRETS = new SecretStore({});
