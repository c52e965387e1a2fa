/**
 * Makes a multi-statement write all-or-nothing on its own, whether or not the caller has a
 * transaction open. Outside one it opens a transaction; inside one it uses a savepoint, so a write that
 * fails (say, on a taken mailbox) leaves no half of itself behind even if the caller catches the error
 * and commits, and on PostgreSQL the caller's transaction stays usable after the failure.
 */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Database } from './schema.js';

export async function atomically<T>(db: Kysely<Database>, work: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  if (!db.isTransaction) return db.transaction().execute(work);
  await sql`savepoint atomic_write`.execute(db);
  try {
    const result = await work(db);
    await sql`release savepoint atomic_write`.execute(db);
    return result;
  } catch (error) {
    await sql`rollback to savepoint atomic_write`.execute(db);
    await sql`release savepoint atomic_write`.execute(db);
    throw error;
  }
}
