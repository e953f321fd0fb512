/** A row as the driver returns it: column name to value. */
export type SqlRow = Record<string, unknown>;
export type SqlParam = string | number | null;

/** Runs statements written with `?` placeholders (the PostgreSQL driver rewrites them to `$n`). */
export interface SqlExecutor {
  all(sql: string, params?: SqlParam[]): Promise<SqlRow[]>;
  run(sql: string, params?: SqlParam[]): Promise<number>;
  /** Runs a multi-statement script without parameters (migrations). */
  exec(script: string): Promise<void>;
}

/**
 * The little the store needs from a database, so one SQL code path serves SQLite and PostgreSQL.
 * Statements stick to the common dialect (`ON CONFLICT`, `RETURNING`, text timestamps).
 */
export interface SqlDriver extends SqlExecutor {
  readonly dialect: 'sqlite' | 'postgres';
  /** Runs `work` in one transaction. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
