/**
 * SQLite schema, version 3: key escrow. One row per escrowed encryption identity (the private key only
 * sealed under its data key, the data key only wrapped by a KRA key; see domain/escrow/key-archive.ts),
 * at most one current per person (a partial unique index); the KRA keys in custody; one row per exported
 * key recovery (its primary key makes the export happen once). migrations/postgres/0003-escrow.ts
 * mirrors this file. Never edit a released migration: add 0004.
 */
import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';

const STATEMENTS = [
  `create table escrow_records (
    seq integer primary key autoincrement,
    id text not null,
    subscriber_id text not null references subscribers (id),
    certificate_serial text not null,
    key_algorithm text not null,
    public_key_hash text not null,
    status text not null,
    past_reason text,
    sealed_key blob not null,
    wrapped_key blob not null,
    kra_key_id text not null,
    created_at text not null,
    retired_at text
  ) strict`,
  'create unique index escrow_records_id_key on escrow_records (id)',
  'create unique index escrow_records_certificate_serial_key on escrow_records (certificate_serial)',
  "create unique index escrow_records_current_key on escrow_records (subscriber_id) where status = 'current'",
  'create index escrow_records_subscriber_idx on escrow_records (subscriber_id, seq)',
  'create index escrow_records_kra_idx on escrow_records (kra_key_id, seq)',

  `create table escrow_kra_keys (
    key_id text not null primary key,
    status text not null,
    created_at text not null
  ) strict`,

  `create table escrow_exports (
    approval_id text not null primary key,
    exported_by text not null,
    exported_at text not null
  ) strict`,
];

export const escrow: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
  },
};
