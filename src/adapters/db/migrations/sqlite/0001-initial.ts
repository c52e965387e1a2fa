/**
 * SQLite schema, version 1. STRICT tables; instants are ISO-8601 UTC text with milliseconds (they sort
 * as text), flags are 0/1, DER and sealed keys are BLOBs. Unique keys are named unique indexes so that
 * both dialects carry the same names (migrations/postgres/0001-initial.ts mirrors this file; the
 * conformance suite checks that they agree). Never edit a released migration: add 0002.
 */
import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';

const STATEMENTS = [
  `create table subscribers (
    seq integer primary key autoincrement,
    id text not null,
    display_name text,
    status text not null,
    created_at text not null
  ) strict`,
  'create unique index subscribers_id_key on subscribers (id)',
  'create index subscribers_status_idx on subscribers (status, seq)',

  `create table mailboxes (
    address text not null primary key,
    subscriber_id text not null references subscribers (id),
    is_primary integer not null,
    position integer not null
  ) strict`,
  'create index mailboxes_subscriber_idx on mailboxes (subscriber_id, position)',

  `create table devices (
    id text not null primary key,
    subscriber_id text not null references subscribers (id),
    name text not null,
    status text not null,
    created_at text not null
  ) strict`,
  'create index devices_subscriber_idx on devices (subscriber_id, created_at)',

  `create table certificates (
    seq integer primary key autoincrement,
    serial text not null,
    issuer_id text not null,
    subject text not null,
    emails text not null,
    not_before text not null,
    not_after text not null,
    profile text not null,
    status text not null,
    revoked_at text,
    revocation_reason text,
    subscriber_id text references subscribers (id),
    device_id text references devices (id),
    fingerprint text not null,
    public_key_hash text not null,
    der blob not null,
    created_at text not null
  ) strict`,
  'create unique index certificates_serial_key on certificates (serial)',
  'create unique index certificates_fingerprint_key on certificates (fingerprint)',
  'create index certificates_issuer_idx on certificates (issuer_id, seq)',
  'create index certificates_subscriber_idx on certificates (subscriber_id, seq)',
  'create index certificates_device_idx on certificates (device_id, seq)',
  'create index certificates_status_idx on certificates (status, seq)',
  'create index certificates_status_not_after_idx on certificates (status, not_after)',
  'create index certificates_not_after_idx on certificates (not_after)',
  'create index certificates_profile_idx on certificates (profile, seq)',
  'create index certificates_public_key_hash_idx on certificates (public_key_hash)',

  `create table certificate_emails (
    address text not null,
    certificate_seq integer not null references certificates (seq),
    primary key (address, certificate_seq)
  ) strict`,

  `create table audit_events (
    seq integer not null primary key,
    at text not null,
    actor text not null,
    action text not null,
    target text,
    details text not null,
    prev_hash text not null,
    hash text not null
  ) strict`,
  `create table audit_head (
    id integer not null primary key check (id = 1),
    seq integer not null,
    hash text not null
  ) strict`,
  `insert into audit_head (id, seq, hash) values (1, 0, '${'0'.repeat(64)}')`,

  `create table operators (
    id text not null primary key,
    name text not null,
    role text not null,
    status text not null,
    token_hash text not null,
    created_at text not null
  ) strict`,
  'create unique index operators_name_key on operators (name)',
  'create unique index operators_token_hash_key on operators (token_hash)',

  `create table ca_identities (
    id text not null primary key,
    role text not null,
    issuer_id text not null,
    certificate blob not null,
    key_id text not null,
    active integer not null,
    created_at text not null
  ) strict`,
  'create index ca_identities_role_idx on ca_identities (role, created_at)',

  `create table keys (
    id text not null primary key,
    label text not null,
    algorithm text not null,
    public_key blob not null,
    sealed blob not null,
    created_at text not null
  ) strict`,
];

export const initial: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
  },
};
