import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineStoreSuite } from './store.suite.ts';

const directory = mkdtempSync(join(tmpdir(), 'cairn-store-'));
let count = 0;

defineStoreSuite('sqlite', {
  freshLocation: async () => join(directory, `store-${++count}.db`),
  rawSql: async (location, sql) => {
    const db = new Database(location);
    db.exec(sql);
    db.close();
  },
});
