import { readFile } from 'node:fs/promises';
import type { Json, JsonObject } from '../core/json.ts';

/** Where one secret comes from, as the operator declared it (`NAME=env:VAR` or `NAME=file:PATH`). */
export interface SecretSource {
  name: string;
  from: 'env' | 'file';
  location: string;
}

export class SecretSourceError extends Error {
  override name = 'SecretSourceError';
}

/** Parses `NAME=env:VAR` / `NAME=file:PATH` (the `--secret` option of `cairn run`). */
export function parseSecretSource(spec: string): SecretSource {
  const match = /^([A-Za-z_][A-Za-z0-9_-]*)=(env|file):(.+)$/.exec(spec);
  if (!match) throw new SecretSourceError(`--secret ${JSON.stringify(spec)}: expected NAME=env:VARIABLE or NAME=file:PATH`);
  return { name: match[1]!, from: match[2] as SecretSource['from'], location: match[3]! };
}

/**
 * Reads the secrets. A value that is a JSON object (e.g. `{"username":…,"password":…}`) becomes an
 * object secret (`$secrets.name.username`); anything else is text, without a file's final newline.
 * Error messages name the source, never the value.
 */
export async function loadSecrets(sources: readonly SecretSource[], env: NodeJS.ProcessEnv = process.env): Promise<JsonObject> {
  const secrets: JsonObject = {};
  for (const source of sources) {
    if (source.name in secrets) throw new SecretSourceError(`secret '${source.name}' is declared twice`);
    let raw: string | undefined;
    if (source.from === 'env') {
      raw = env[source.location];
      if (raw === undefined) throw new SecretSourceError(`secret '${source.name}': environment variable ${source.location} is not set`);
    } else {
      try {
        raw = (await readFile(source.location, 'utf8')).replace(/\r?\n$/, '');
      } catch (error) {
        throw new SecretSourceError(`secret '${source.name}': cannot read ${source.location} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
      }
    }
    const value = structuredValue(raw);
    const short = shortText(value, source.name);
    if (short !== undefined) {
      throw new SecretSourceError(`secret '${short}' is shorter than ${MIN_SECRET_LENGTH} characters: too short to redact reliably from events, errors and logs; use a longer value`);
    }
    secrets[source.name] = value;
  }
  return secrets;
}

/** Secret texts shorter than this are refused: redacting them would garble unrelated text, not redacting them leaks them. */
export const MIN_SECRET_LENGTH = 4;

/** The path (`name` or `name.field`) of the first text in a secret value too short to redact, if any. */
function shortText(value: Json, path: string): string | undefined {
  if (typeof value === 'string') return value.length < MIN_SECRET_LENGTH ? path : undefined;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [key, item] of Object.entries(value)) {
      const found = shortText(item, `${path}.${key}`);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

function structuredValue(raw: string): Json {
  if (!raw.trimStart().startsWith('{')) return raw;
  try {
    const parsed = JSON.parse(raw) as Json;
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed : raw;
  } catch {
    return raw;
  }
}
