/**
 * PostgreSQL schema, version 6: revocation. `revocations` is the log CRLs and OCSP read: one row per
 * revoked certificate, in revocation order (seq), with the issuer and notAfter copied from the
 * inventory so that a CRL is one indexed range scan (issuer, seq) that skips expired entries, and a
 * delta CRL is the same scan from the base CRL's seq. `crl_state` keeps per issuing CA the shared
 * cRLNumber sequence and the last complete and delta CRLs (DER) with the revocation seq each covers.
 * migrations/sqlite/0006-revocation.ts is mirrored here column for column. Never edit a released migration.
 */
import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';

const STATEMENTS = [
  `create table revocations (
    seq bigint generated always as identity primary key,
    serial text not null,
    issuer_id text not null,
    revoked_at timestamptz not null,
    reason_code integer,
    not_after timestamptz not null
  )`,
  'create unique index revocations_serial_key on revocations (serial)',
  'create index revocations_issuer_idx on revocations (issuer_id, seq)',
  `create table crl_state (
    issuer_id text not null primary key,
    crl_number bigint not null,
    full_number bigint,
    full_this_update timestamptz,
    full_next_update timestamptz,
    full_covers_seq bigint,
    full_der bytea,
    delta_number bigint,
    delta_this_update timestamptz,
    delta_next_update timestamptz,
    delta_covers_seq bigint,
    delta_der bytea
  )`,
];

export const revocation: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
  },
};
