import pg from 'pg';
import type { SqlDriver, SqlExecutor, SqlParam, SqlRow } from './sql-driver.ts';

/** Rewrites `?` placeholders to `$1, $2, …` (the store's SQL never has `?` inside literals). */
export function toPostgresPlaceholders(sql: string): string {
  let index = 0;
  return sql.replace(/\?/g, () => `$${++index}`);
}

function executorOf(client: pg.Pool | pg.PoolClient): SqlExecutor {
  return {
    all: async (sql, params) => (await client.query(toPostgresPlaceholders(sql), params ?? [])).rows as SqlRow[],
    run: async (sql, params) => (await client.query(toPostgresPlaceholders(sql), params ?? [])).rowCount ?? 0,
    exec: async (script) => {
      await client.query(script);
    },
  };
}

/** node-postgres pool behind the driver interface. */
export class PostgresDriver implements SqlDriver {
  readonly dialect = 'postgres' as const;
  private readonly pool: pg.Pool;
  private readonly direct: SqlExecutor;

  constructor(connectionString: string) {
    this.pool = new pg.Pool({ connectionString, max: 10 });
    // An idle client losing its connection must not take the service down; the next query reconnects.
    this.pool.on('error', () => undefined);
    this.direct = executorOf(this.pool);
  }

  all(sql: string, params?: SqlParam[]): Promise<SqlRow[]> {
    return this.direct.all(sql, params);
  }

  run(sql: string, params?: SqlParam[]): Promise<number> {
    return this.direct.run(sql, params);
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(executorOf(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  exec(script: string): Promise<void> {
    return this.direct.exec(script);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
