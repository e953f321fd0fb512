import { afterAll } from 'vitest';
import { createTestDatabase, postgresAdminUrl, runPostgresSql } from './postgres.ts';
import { defineStoreSuite } from './store.suite.ts';

const adminUrl = postgresAdminUrl();
const databases: Array<() => Promise<void>> = [];
afterAll(async () => {
  await Promise.all(databases.map((drop) => drop()));
});

defineStoreSuite(
  'postgres',
  adminUrl
    ? {
        freshLocation: async () => {
          const database = await createTestDatabase(adminUrl);
          databases.push(database.drop);
          return database.url;
        },
        rawSql: runPostgresSql,
      }
    : undefined,
);
