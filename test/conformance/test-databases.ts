/**
 * The databases the conformance suite runs on: SQLite always (a fresh file under the OS temp
 * directory), PostgreSQL when MCMS_TEST_DATABASE_URL is set (a fresh schema with a random name,
 * dropped afterwards). Each gives fresh stores and a raw-SQL hatch for looking under the repositories.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { openStore } from '../../src/adapters/db/open-store.js';
import type { Dialect } from '../../src/adapters/db/schema.js';
import type { Store } from '../../src/adapters/db/store.js';

export interface TestDatabase {
  /** A new, empty, migrated database, and a store on it. */
  fresh(): Promise<TestStore>;
  /** Where a new database can be made (nothing exists there yet); cleaned up like the others. */
  vacant(): { url: string; schema?: string };
  /** Drops everything fresh() made. */
  cleanup(): Promise<void>;
}

export interface TestStore {
  store: Store;
  /** Opens another store on the same database (another "process"), logging to `log`. */
  reopen(log?: (msg: string) => void): Promise<Store>;
  /** Runs SQL outside the store (introspection, checks under the repositories). */
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
  /** The SQLite file or the PostgreSQL schema. */
  location: string;
}

export interface DialectUnderTest {
  dialect: Dialect;
  /** Why the dialect is skipped, or false when it runs. */
  skip: string | false;
  database(): TestDatabase;
}

export const dialectsUnderTest: DialectUnderTest[] = [
  { dialect: 'sqlite', skip: false, database: sqliteDatabase },
  {
    dialect: 'postgres',
    skip: process.env.MCMS_TEST_DATABASE_URL ? false : 'MCMS_TEST_DATABASE_URL is not set (e.g. postgres://postgres@127.0.0.1:5432/test)',
    database: () => postgresDatabase(process.env.MCMS_TEST_DATABASE_URL!),
  },
];

function sqliteDatabase(): TestDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'mcms-store-'));
  const stores: Store[] = [];
  const raws: SqliteDatabase.Database[] = [];
  let n = 0;
  const vacant = () => {
    n += 1;
    return { url: `sqlite:${join(dir, `db-${n}`, 'mcms.db')}` };
  };
  return {
    vacant,
    async fresh() {
      const file = vacant().url.slice('sqlite:'.length);
      const open = async (log?: (msg: string) => void) => {
        const store = await openStore({ url: `sqlite:${file}`, ...(log ? { log } : {}) });
        stores.push(store);
        return store;
      };
      const store = await open();
      let raw: SqliteDatabase.Database | undefined;
      return {
        store,
        reopen: open,
        location: file,
        async query<Row>(text: string, params: unknown[] = []) {
          if (!raw) {
            raw = new SqliteDatabase(file, { timeout: 5000 });
            raws.push(raw);
          }
          const statement = raw.prepare(text);
          if (!statement.reader) {
            statement.run(...params);
            return [];
          }
          return statement.all(...params) as Row[];
        },
      };
    },
    async cleanup() {
      for (const raw of raws) raw.close();
      for (const store of stores) await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresDatabase(url: string): TestDatabase {
  const admin = new pg.Pool({ connectionString: url, max: 2 });
  const schemas: string[] = [];
  const stores: Store[] = [];
  const vacant = () => {
    const schema = `mcms_test_${randomBytes(6).toString('hex')}`;
    schemas.push(schema);
    return { url, schema };
  };
  return {
    vacant,
    async fresh() {
      const { schema } = vacant();
      const open = async (log?: (msg: string) => void) => {
        const store = await openStore({ url, schema, ...(log ? { log } : {}) });
        stores.push(store);
        return store;
      };
      const store = await open();
      return {
        store,
        reopen: open,
        location: schema,
        async query<Row>(text: string, params: unknown[] = []) {
          const client = await admin.connect();
          try {
            await client.query(`set search_path to ${schema}`);
            return (await client.query(text, params)).rows as Row[];
          } finally {
            client.release();
          }
        },
      };
    },
    async cleanup() {
      for (const store of stores) await store.close();
      for (const schema of schemas) await admin.query(`drop schema if exists ${schema} cascade`);
      await admin.end();
    },
  };
}
