/**
 * SQLite schema, version 6: revocation. `revocations` is the log CRLs and OCSP read: one row per
 * revoked certificate, in revocation order (seq), with the issuer and notAfter copied from the
 * inventory so that a CRL is one indexed range scan (issuer, seq) that skips expired entries, and a
 * delta CRL is the same scan from the base CRL's seq. `crl_state` keeps per issuing CA the shared
 * cRLNumber sequence and the last complete and delta CRLs (DER) with the revocation seq each covers.
 * migrations/postgres/0006-revocation.ts mirrors this file. Never edit a released migration.
 */
import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';

const STATEMENTS = [
  `create table revocations (
    seq integer primary key autoincrement,
    serial text not null,
    issuer_id text not null,
    revoked_at text not null,
    reason_code integer,
    not_after text not null
  ) strict`,
  'create unique index revocations_serial_key on revocations (serial)',
  'create index revocations_issuer_idx on revocations (issuer_id, seq)',
  `create table crl_state (
    issuer_id text not null primary key,
    crl_number integer not null,
    full_number integer,
    full_this_update text,
    full_next_update text,
    full_covers_seq integer,
    full_der blob,
    delta_number integer,
    delta_this_update text,
    delta_next_update text,
    delta_covers_seq integer,
    delta_der blob
  ) strict`,
];

export const revocation: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
  },
};
