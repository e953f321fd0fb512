import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ExecutionStore, StoreOptions } from './execution-store.ts';
import { migrate } from './migrations.ts';
import { PostgresDriver } from './postgres-driver.ts';
import type { SqlDriver } from './sql-driver.ts';
import { SqlExecutionStore } from './sql-execution-store.ts';
import { SqliteDriver } from './sqlite-driver.ts';

/**
 * Opens and migrates a store. `location` is a `postgres://` / `postgresql://` URL, or the path
 * of an SQLite database file (its directory is created), or `:memory:`.
 */
export async function openStore(location: string, options: StoreOptions = {}): Promise<ExecutionStore> {
  const driver = openDriver(location);
  try {
    await migrate(driver);
  } catch (error) {
    await driver.close().catch(() => undefined);
    throw error;
  }
  return new SqlExecutionStore(driver, options);
}

/** The SQL driver for a location, without migrating (see `openStore`). */
export function openDriver(location: string): SqlDriver {
  if (/^postgres(ql)?:\/\//.test(location)) return new PostgresDriver(location);
  if (location !== ':memory:') mkdirSync(dirname(location), { recursive: true });
  return new SqliteDriver(location);
}
