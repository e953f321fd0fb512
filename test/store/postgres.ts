import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The PostgreSQL cluster for tests: `CAIRN_TEST_POSTGRES_URL` when set, else the throwaway
 * cluster `scripts/start-postgres.sh` starts (or reuses) for this checkout. Missing binaries
 * fail loudly in CI (`CI=true`) and skip with a printed reason elsewhere.
 */
export function postgresAdminUrl(): string | undefined {
  const configured = process.env.CAIRN_TEST_POSTGRES_URL;
  if (configured) return configured;
  const started = spawnSync('bash', ['scripts/start-postgres.sh'], { encoding: 'utf8', timeout: 120_000 });
  if (started.status === 0) {
    const url = started.stdout.trim().split('\n').pop()!;
    process.env.CAIRN_TEST_POSTGRES_URL = url;
    return url;
  }
  const reason = `PostgreSQL unavailable: ${started.stderr.trim() || `start-postgres.sh exited with ${started.status}`}`;
  if (process.env.CI) throw new Error(`${reason} (CI requires the PostgreSQL tests; run scripts/install-tools.sh)`);
  console.warn(`skipping PostgreSQL tests: ${reason}`);
  return undefined;
}

/** Creates an empty database on the cluster and returns its URL, so test files never share state. */
export async function createTestDatabase(adminUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `cairn_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/** Runs raw SQL against a test database (used to corrupt records on purpose). */
export async function runPostgresSql(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
