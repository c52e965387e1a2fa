/**
 * Brings the schema up to date before anything reads it. Kysely's Migrator records what ran in
 * `kysely_migration` and serialises concurrent runs: on PostgreSQL with an advisory lock inside one
 * transaction, on SQLite with one BEGIN IMMEDIATE transaction (see sqlite-database.ts).
 */
import type { Kysely } from 'kysely';
import { Migrator } from 'kysely';
import { migrationProvider } from './migrations/migration-provider.js';
import type { Database, Dialect } from './schema.js';

export async function migrateToLatest(
  db: Kysely<Database>,
  options: { dialect: Dialect; schema?: string | undefined; log?: ((msg: string) => void) | undefined },
): Promise<void> {
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
