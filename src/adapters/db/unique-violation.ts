/**
 * Recognises a unique-key violation from the driver's error, so that a repository can turn the one it
 * expects into the domain's error. SQLite (better-sqlite3) reports SQLITE_CONSTRAINT_UNIQUE or
 * SQLITE_CONSTRAINT_PRIMARYKEY with "UNIQUE constraint failed: table.column, …"; PostgreSQL reports
 * SQLSTATE 23505 with the violated index's name as `constraint`.
 */

export interface UniqueKey {
  /** The unique index's name: what PostgreSQL reports (`<table>_pkey` for a primary key). */
  index: string;
  table: string;
  columns: readonly string[];
}

const SQLITE_UNIQUE_CODES = new Set(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);
const SQLITE_PREFIX = 'UNIQUE constraint failed: ';

export function violatesUnique(error: unknown, key: UniqueKey): boolean {
  if (!(error instanceof Error)) return false;
  const { code, constraint } = error as { code?: unknown; constraint?: unknown };
  if (code === '23505') return constraint === key.index;
  if (typeof code === 'string' && SQLITE_UNIQUE_CODES.has(code) && error.message.startsWith(SQLITE_PREFIX)) {
    return error.message.slice(SQLITE_PREFIX.length) === key.columns.map((c) => `${key.table}.${c}`).join(', ');
  }
  return false;
}
