/**
 * The migrations of each dialect, listed in code (no directory scan, so it runs the same under tsx,
 * from a bundle or an installed package). Names sort in the order they apply.
 */
import type { Migration, MigrationProvider } from 'kysely';
import type { Dialect } from '../schema.js';
import { initial as postgresInitial } from './postgres/0001-initial.js';
import { initial as sqliteInitial } from './sqlite/0001-initial.js';

const MIGRATIONS: Record<Dialect, Record<string, Migration>> = {
  sqlite: { '0001-initial': sqliteInitial },
  postgres: { '0001-initial': postgresInitial },
};

export function migrationProvider(dialect: Dialect): MigrationProvider {
  return { getMigrations: async () => MIGRATIONS[dialect] };
}
