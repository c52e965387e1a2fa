/**
 * Opens mcms's database from a URL, migrates it, and returns the Store. `sqlite:/abs/path.db` (or
 * `sqlite::memory:`) opens a file with better-sqlite3; `postgres://…` or `postgresql://…` opens a pg
 * pool. The same repositories run on both; only the driver set-up and the migrations differ.
 */
import type { Kysely } from 'kysely';
import { JobLeaseRepository } from './job-lease-repository.js';
import { KyselyKeyBlobRepository } from './key-blob-repository.js';
import { migrateToLatest } from './migrate.js';
import { openPostgresDatabase } from './postgres-database.js';
import type { Database, Dialect } from './schema.js';
import { openSqliteDatabase, openSqliteWatermark } from './sqlite-database.js';
import type { Repositories, Store } from './store.js';
import { repositoriesOn } from './store.js';

export interface StoreOptions {
  url: string;
  /** PostgreSQL only: every table lives in this schema, created if missing. */
  schema?: string;
  log?: (msg: string) => void;
}

type Target = { dialect: 'sqlite'; file: string } | { dialect: 'postgres'; url: string };

function targetOf(url: string): Target {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (file === '') throw new Error('the sqlite: URL names no file (sqlite:/path/to/mcms.db or sqlite::memory:)');
    return { dialect: 'sqlite', file };
  }
  if (/^postgres(ql)?:\/\//.test(url)) return { dialect: 'postgres', url };
  throw new Error('the database URL must start with sqlite:, postgres:// or postgresql://');
}

export async function openStore(options: StoreOptions): Promise<Store> {
  const target = targetOf(options.url);
  if (target.dialect === 'sqlite' && options.schema !== undefined) {
    throw new Error('a database schema applies to PostgreSQL only');
  }
  const db: Kysely<Database> = target.dialect === 'sqlite'
    ? openSqliteDatabase(target.file)
    : await openPostgresDatabase({ url: target.url, schema: options.schema, log: options.log });
  try {
    await migrateToLatest(db, { dialect: target.dialect, schema: options.schema, log: options.log });
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const store = kyselyStore(db, target.dialect);
  return target.dialect === 'sqlite' && target.file !== ':memory:' ? withRevocationWatermark(store, target.file) : store;
}

function withRevocationWatermark(store: Store, file: string): Store {
  const watermark = openSqliteWatermark(file);
  return {
    ...store,
    latestRevocationSeqNow: watermark.read,
    close: async () => {
      watermark.close();
      await store.close();
    },
  };
}

function kyselyStore(db: Kysely<Database>, dialect: Dialect): Store {
  return {
    dialect,
    read: repositoriesOn(db, dialect),
    keyBlobs: new KyselyKeyBlobRepository(db),
    jobLeases: new JobLeaseRepository(db),
    transaction: <T>(work: (repos: Repositories) => Promise<T>) =>
      db.transaction().execute((trx) => work(repositoriesOn(trx, dialect))),
    close: () => db.destroy(),
  };
}
