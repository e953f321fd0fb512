import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Where `cairn serve` keeps its store and credentials: `--data`, else `$CAIRN_DATA`, else `.cairn/data`. */
export function dataDirectory(explicit?: string): string {
  return resolve(explicit ?? process.env.CAIRN_DATA ?? '.cairn/data');
}

/** The API token file `cairn serve` creates in its data directory. */
export function apiTokenFile(dataDir: string): string {
  return join(dataDir, 'api-token');
}

/** The token of a local `cairn serve` using the default data directory, when there is one. */
export function localApiToken(): string | undefined {
  try {
    return readFileSync(apiTokenFile(dataDirectory()), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
