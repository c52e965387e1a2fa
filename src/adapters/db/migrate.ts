/**
 * Brings the schema up to date before anything reads it. Kysely's Migrator records what ran in
 * `kysely_migration` and serialises concurrent runs: on PostgreSQL with an advisory lock inside one
 * transaction, on SQLite with one BEGIN IMMEDIATE transaction (see sqlite-database.ts).
 */
import type { Kysely } from 'kysely';
import { Migrator } from 'kysely';
import { migrationProvider } from './migrations/migration-provider.js';
import type { Database, Dialect } from './schema.js';

type MigrateOptions = { dialect: Dialect; schema?: string | undefined; log?: ((msg: string) => void) | undefined };

/**
 * Kysely's introspector lists the tables and columns of every schema in the database; a schema or
 * table that another session creates or drops during that query makes PostgreSQL answer 3F000
 * (invalid_schema_name), 42P01 (undefined_table) or 42703 (undefined_column, seen for another
 * schema's kysely_migration_lock) about objects that are not ours. Nothing was changed then, so the
 * run is simply tried again.
 */
const ATTEMPTS = 5;
const CHANGED_ELSEWHERE = new Set(['3F000', '42P01', '42703']);
const droppedElsewhere = (error: unknown) => CHANGED_ELSEWHERE.has(String((error as { cause?: { code?: unknown } })?.cause?.code));

export async function migrateToLatest(db: Kysely<Database>, options: MigrateOptions): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await migrateOnce(db, options);
    } catch (error) {
      if (attempt >= ATTEMPTS || !droppedElsewhere(error)) throw error;
      options.log?.('the catalogue changed under the migration checks (another session); trying again');
    }
  }
}

async function migrateOnce(db: Kysely<Database>, options: MigrateOptions): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: migrationProvider(options.dialect),
    ...(options.schema ? { migrationTableSchema: options.schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  for (const result of results ?? []) {
    if (result.status === 'Success') options.log?.(`applied migration ${result.migrationName}`);
    if (result.status === 'Error') options.log?.(`migration ${result.migrationName} failed`);
  }
  if (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`database migration failed: ${reason}`, { cause: error });
  }
}
