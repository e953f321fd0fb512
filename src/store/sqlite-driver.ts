import Database from 'better-sqlite3';
import type { SqlDriver, SqlExecutor, SqlParam, SqlRow } from './sql-driver.ts';

/**
 * better-sqlite3 behind the async driver interface. The connection is synchronous, so every
 * operation is queued: an async transaction must not interleave with another one on the same
 * connection (SQLite has no nested BEGIN).
 */
export class SqliteDriver implements SqlDriver {
  readonly dialect = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly direct: SqlExecutor;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('foreign_keys = ON');
    this.direct = {
      all: async (sql, params) => this.prepare(sql).all(...(params ?? [])) as SqlRow[],
      run: async (sql, params) => this.prepare(sql).run(...(params ?? [])).changes,
      exec: async (script) => {
        this.db.exec(script);
      },
    };
  }

  all(sql: string, params?: SqlParam[]): Promise<SqlRow[]> {
    return this.serialize(() => this.direct.all(sql, params));
  }

  run(sql: string, params?: SqlParam[]): Promise<number> {
    return this.serialize(() => this.direct.run(sql, params));
  }

  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.serialize(async () => {
      this.prepare('BEGIN IMMEDIATE').run();
      try {
        const result = await work(this.direct);
        this.prepare('COMMIT').run();
        return result;
      } catch (error) {
        if (this.db.inTransaction) this.prepare('ROLLBACK').run();
        throw error;
      }
    });
  }

  exec(script: string): Promise<void> {
    return this.serialize(() => this.direct.exec(script));
  }

  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
    this.db.close();
  }

  private prepare(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private serialize<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.queue.then(operation, operation);
    this.queue = result.catch(() => undefined);
    return result;
  }
}
