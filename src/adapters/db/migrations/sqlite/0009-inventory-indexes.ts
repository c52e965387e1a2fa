/**
 * SQLite schema, version 9: two indexes of `certificates` that no query reads go, since every
 * issuance writes each index of the table. `certificates_not_after_idx` (not_after): every query on
 * not_after also asks for status = 'valid' (the inventory's state filters, the expiry scan and report),
 * which `certificates_status_not_after_idx` (status, not_after) serves. `certificates_issuer_idx`
 * (issuer_id, seq): nothing selects certificates by issuer. Mirrored by
 * migrations/postgres/0009-inventory-indexes.ts. Never edit a released migration.
 */
import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';

const STATEMENTS = [
  'drop index certificates_not_after_idx',
  'drop index certificates_issuer_idx',
];

export const inventoryIndexes: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
  },
};
