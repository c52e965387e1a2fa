/**
 * Opens a SQLite file for mcms: WAL (readers never wait for the writer), foreign keys on,
 * synchronous=NORMAL (durable at each WAL checkpoint, safe against corruption), and a 5 s wait for a
 * lock another process holds — waited asynchronously. SQLite's own busy handler sleeps inside the
 * statement, which stops the whole event loop for at least a millisecond per collision; with several
 * `mcms serve` workers on one file that idled a core on every lost race. Here the connection's
 * busy_timeout is 0 and a statement that finds the database locked is retried on later turns of the
 * event loop (a statement refused with SQLITE_BUSY has changed nothing), so a worker keeps serving
 * other requests while it waits for the lock.
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
import type { DatabaseConnection, Driver, QueryResult, SqliteDialectConfig } from 'kysely';
import { CompiledQuery, Kysely, SqliteAdapter, SqliteDialect, SqliteDriver } from 'kysely';
import type { Database } from './schema.js';

export const BUSY_TIMEOUT_MS = 5000;

/** Waits between attempts on a locked database: next turn of the event loop twice, then 1, 2, 4… 16 ms. */
const BUSY_BACKOFF_MS = [0, 0, 1, 1, 2, 2, 4, 4, 8, 8, 16];

const isBusy = (error: unknown) => (error as { code?: string } | null)?.code === 'SQLITE_BUSY';

/** Runs `attempt` until it does not fail with SQLITE_BUSY, waiting without blocking, for up to BUSY_TIMEOUT_MS. */
export async function retryWhileBusy<T>(attempt: () => Promise<T>, timeoutMs = BUSY_TIMEOUT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let tries = 0; ; tries += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (!isBusy(error) || Date.now() >= deadline) throw error;
      const wait = BUSY_BACKOFF_MS[Math.min(tries, BUSY_BACKOFF_MS.length - 1)]!;
      await new Promise((resume) => (wait === 0 ? setImmediate(resume) : setTimeout(resume, wait)));
    }
  }
}

class BusyRetryConnection implements DatabaseConnection {
  constructor(private readonly inner: DatabaseConnection) {}
  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return retryWhileBusy(() => this.inner.executeQuery<R>(query));
  }
  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  readonly #wrapped = new WeakMap<DatabaseConnection, BusyRetryConnection>();
  override async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await super.acquireConnection();
    let wrapped = this.#wrapped.get(connection);
    if (!wrapped) this.#wrapped.set(connection, wrapped = new BusyRetryConnection(connection));
    return wrapped;
  }
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
    // Statement journals (savepoints) and sorter files in memory, not a temp file opened and removed per statement.
    database.pragma('temp_store = MEMORY');
    // From here on a locked database is waited for by retryWhileBusy, off the event loop.
    database.pragma('busy_timeout = 0');
  } catch (error) {
    database.close();
    throw error;
  }
  return new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: withStatementCache(database) }) });
}

/**
 * A second connection to the file, for one synchronous read: the revocation log's newest seq. In WAL
 * mode it never waits for the writer; it reads the latest committed state (two lock calls, a few µs).
 * A read that fails (SQLITE_BUSY during a WAL reset, say) gives undefined.
 */
export function openSqliteWatermark(file: string): { read(): number | undefined; close(): void } {
  const database = new SqliteDatabase(resolve(file), { fileMustExist: true, timeout: 0 });
  const latest = database.prepare('select coalesce(max(seq), 0) from revocations').pluck();
  return {
    read: () => {
      try {
        return Number(latest.get());
      } catch {
        return undefined;
      }
    },
    close: () => database.close(),
  };
}
