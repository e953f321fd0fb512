import { chmodSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

/** Another live `cairn serve` holds the data directory. */
export class DataDirectoryLockedError extends Error {
  override name = 'DataDirectoryLockedError';
}

const LOCK_FILE = 'serve.lock';

function holderAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readIfPresent(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/**
 * Takes the data directory for this process alone: `serve.lock` holds its pid. A lock whose process
 * is gone (killed, crashed) is taken over; a live one refuses, since two services on one store
 * would end each other's live executions as interrupted. Returns the release function.
 */
export function lockDataDirectory(dataDir: string): () => void {
  const file = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number(readIfPresent(file).trim());
    if (holderAlive(holder)) {
      throw new DataDirectoryLockedError(`the data directory ${dataDir} is in use by another cairn serve (pid ${holder}); stop it or give another --data`);
    }
    rmSync(file, { force: true });
  }
  throw new DataDirectoryLockedError(`could not lock the data directory ${dataDir} (${file} keeps reappearing)`);
}

/** Only the owner may read the data directory and what it holds (tokens, the database), also when it pre-existed. */
export function restrictDataDirectory(dataDir: string): void {
  chmodSync(dataDir, 0o700);
  for (const entry of readdirSync(dataDir, { withFileTypes: true })) {
    if (entry.isFile()) chmodSync(join(dataDir, entry.name), 0o600);
  }
}
