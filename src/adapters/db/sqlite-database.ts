/**
 * Opens a SQLite file for mcms: WAL (readers never wait for the writer), a 5 s busy timeout,
 * foreign keys on, synchronous=NORMAL (durable at each WAL checkpoint, safe against corruption).
 *
 * Every transaction starts with BEGIN IMMEDIATE. A deferred BEGIN takes the write lock only at the
 * first write; if another process (the CLI beside a running server) committed in between, SQLite
 * cannot upgrade the stale read snapshot and fails at once with SQLITE_BUSY, without waiting on the
 * busy timeout. Taking the write lock up front makes the second writer wait instead. Kysely's driver
 * still serialises this process's work on its one connection with a mutex.
 *
 * The adapter also declares transactional DDL (SQLite has it; Kysely assumes not), so the Migrator runs
 * the pending migrations in one BEGIN IMMEDIATE transaction: two processes starting on a new file apply
 * them once, one after the other, and a failed migration leaves nothing half-built.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import type { DatabaseConnection, Driver, SqliteDialectConfig } from 'kysely';
import { CompiledQuery, Kysely, SqliteAdapter, SqliteDialect, SqliteDriver } from 'kysely';
import type { Database } from './schema.js';

export const BUSY_TIMEOUT_MS = 5000;

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
  override createAdapter(): SqliteAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

/**
 * Kysely prepares every query anew; better-sqlite3 statements can be reused, and preparing is a good
 * part of a small query's cost. This keeps the most recent statements by SQL text (Kysely's SQL for a
 * given query shape is always the same text, with values bound as parameters).
 */
const STATEMENT_CACHE_SIZE = 512;

function withStatementCache(database: SqliteDatabase.Database): SqliteDialectConfig['database'] {
  const statements = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => database.close(),
    prepare: (sql: string) => {
      let statement = statements.get(sql);
      if (statement) {
        statements.delete(sql);
      } else {
        statement = database.prepare(sql);
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!);
      }
      statements.set(sql, statement);
      return statement;
    },
  };
}

/** `file` is a path (its directory is created if missing) or `:memory:`. */
export function openSqliteDatabase(file: string): Kysely<Database> {
  const path = file === ':memory:' ? file : resolve(file);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const database = new SqliteDatabase(path, { timeout: BUSY_TIMEOUT_MS });
  try {
    database.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    database.pragma('journal_mode = WAL');
    database.pragma('foreign_keys = ON');
    database.pragma('synchronous = NORMAL');
  } catch (error) {
    database.close();
    throw error;
  }
  return new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: withStatementCache(database) }) });
}
