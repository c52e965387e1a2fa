/**
 * SQLite schema, version 8 (second part): `expiry_scans` remembers each expiry scan's time and
 * the inventory's high-water marks (seq of certificates and monitored_certificates), so that the next
 * scan looks only at what entered a window since, and at certificates added since, with a full scan at
 * least weekly. Mirrored by migrations/postgres/0008-expiry-scans.ts. Never edit a released migration.
 */
import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';

const STATEMENTS = [
  `create table expiry_scans (
    seq integer primary key autoincrement,
    scan_id text not null,
    scanned_at text not null,
    certificates_seq integer not null,
    monitored_seq integer not null,
    windows text not null,
    full_scan_at text not null,
    created_at text not null
  ) strict`,
  'create unique index expiry_scans_scan_id_key on expiry_scans (scan_id)',
];

export const expiryScans: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
  },
};
