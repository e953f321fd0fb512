import type { SqlDriver } from './sql-driver.ts';

/**
 * Versioned schema changes, applied in order, each once, each in its own transaction.
 * Never edit a released migration: add the next version. The SQL stays in the dialect both
 * SQLite and PostgreSQL accept (TEXT timestamps in ISO 8601 sort correctly as strings).
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'executions, events and workflow documents',
    sql: `
      CREATE TABLE executions (
        id TEXT PRIMARY KEY,
        namespace TEXT NOT NULL,
        name TEXT NOT NULL,
        version TEXT NOT NULL,
        status TEXT NOT NULL,
        document TEXT NOT NULL,
        input TEXT NOT NULL,
        output TEXT,
        error TEXT,
        created_at TEXT NOT NULL,
        started_at TEXT,
        ended_at TEXT,
        updated_at TEXT NOT NULL,
        last_seq INTEGER NOT NULL DEFAULT 0,
        max_seq INTEGER NOT NULL DEFAULT 0,
        status_seq INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX executions_by_created ON executions (created_at, id);
      CREATE INDEX executions_by_workflow ON executions (namespace, name, version, created_at);
      CREATE INDEX executions_by_status ON executions (status, created_at);
      CREATE TABLE events (
        execution_id TEXT NOT NULL REFERENCES executions (id),
        seq INTEGER NOT NULL,
        id TEXT NOT NULL UNIQUE,
        type TEXT NOT NULL,
        subject TEXT,
        time TEXT NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (execution_id, seq)
      );
      CREATE TABLE workflows (
        namespace TEXT NOT NULL,
        name TEXT NOT NULL,
        version TEXT NOT NULL,
        document TEXT NOT NULL,
        registered_at TEXT NOT NULL,
        PRIMARY KEY (namespace, name, version)
      );
    `,
  },
  {
    version: 2,
    name: 'which engine runs an execution (to find runs a restart interrupted)',
    sql: 'ALTER TABLE executions ADD COLUMN engine TEXT',
  },
  {
    version: 3,
    name: 'what started an execution (a workflow schedule), absent when a client did',
    sql: 'ALTER TABLE executions ADD COLUMN trigger_kind TEXT',
  },
  {
    version: 4,
    name: 'service instances holding leases, the executions each one runs, and cluster messages too large to notify',
    sql: `
      CREATE TABLE service_instances (
        id TEXT PRIMARY KEY,
        heartbeat_at BIGINT NOT NULL,
        lease_ms INTEGER NOT NULL,
        started_at TEXT NOT NULL
      );
      CREATE TABLE execution_owners (
        execution_id TEXT PRIMARY KEY,
        instance_id TEXT NOT NULL
      );
      CREATE INDEX execution_owners_by_instance ON execution_owners (instance_id);
      CREATE TABLE cluster_messages (
        id TEXT PRIMARY KEY,
        body TEXT NOT NULL,
        created_at BIGINT NOT NULL
      );
    `,
  },
  {
    version: 5,
    name: 'large task and workflow values stored once, content-addressed, referred to by the executions that hold them',
    sql: `
      CREATE TABLE value_blobs (
        hash TEXT PRIMARY KEY,
        size BIGINT NOT NULL,
        body TEXT NOT NULL
      );
      CREATE TABLE execution_values (
        execution_id TEXT NOT NULL,
        hash TEXT NOT NULL REFERENCES value_blobs (hash),
        PRIMARY KEY (execution_id, hash)
      );
      ALTER TABLE executions ADD COLUMN input_hash TEXT;
      ALTER TABLE executions ADD COLUMN output_hash TEXT;
    `,
  },
  {
    version: 6,
    name: 'the parent task of a run: workflow child, and why an execution was cancelled',
    sql: `
      ALTER TABLE executions ADD COLUMN parent_execution_id TEXT;
      ALTER TABLE executions ADD COLUMN parent_task TEXT;
      ALTER TABLE executions ADD COLUMN parent_iteration TEXT;
      ALTER TABLE executions ADD COLUMN cancel_reason TEXT;
      CREATE INDEX executions_by_parent ON executions (parent_execution_id, created_at);
    `,
  },
  {
    version: 7,
    name: 'ended executions by end time, for retention',
    sql: 'CREATE INDEX executions_by_ended ON executions (ended_at)',
  },
];

/** Applies the migrations the database lacks; safe when several services start at once. */
export async function migrate(driver: SqlDriver, migrations: Migration[] = MIGRATIONS): Promise<number[]> {
  await driver.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
  );
  const applied: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    await driver.transaction(async (tx) => {
      // PostgreSQL: a second service migrating concurrently waits here; SQLite's BEGIN IMMEDIATE already did.
      if (driver.dialect === 'postgres') await tx.all('SELECT pg_advisory_xact_lock(7412031)');
      const done = await tx.all('SELECT version FROM schema_migrations WHERE version = ?', [migration.version]);
      if (done.length > 0) return;
      await tx.exec(migration.sql);
      await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [
        migration.version,
        migration.name,
        new Date().toISOString(),
      ]);
      applied.push(migration.version);
    });
  }
  return applied;
}
