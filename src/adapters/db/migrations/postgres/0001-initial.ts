/**
 * PostgreSQL schema, version 1. Mirrors migrations/sqlite/0001-initial.ts column for column and index
 * for index (the conformance suite checks it): instants are timestamptz, flags boolean, DER and sealed
 * keys bytea, insertion order a bigint identity. Unique keys are named unique indexes, so a violation
 * reports the index name as its constraint. Never edit a released migration: add 0002.
 */
import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';

const STATEMENTS = [
  `create table subscribers (
    seq bigint generated always as identity primary key,
    id text not null,
    display_name text,
    status text not null,
    created_at timestamptz not null
  )`,
  'create unique index subscribers_id_key on subscribers (id)',
  'create index subscribers_status_idx on subscribers (status, seq)',

  `create table mailboxes (
    address text not null primary key,
    subscriber_id text not null references subscribers (id),
    is_primary boolean not null,
    position integer not null
  )`,
  'create index mailboxes_subscriber_idx on mailboxes (subscriber_id, position)',

  `create table devices (
    id text not null primary key,
    subscriber_id text not null references subscribers (id),
    name text not null,
    status text not null,
    created_at timestamptz not null
  )`,
  'create index devices_subscriber_idx on devices (subscriber_id, created_at)',

  `create table certificates (
    seq bigint generated always as identity primary key,
    serial text not null,
    issuer_id text not null,
    subject text not null,
    emails text not null,
    not_before timestamptz not null,
    not_after timestamptz not null,
    profile text not null,
    status text not null,
    revoked_at timestamptz,
    revocation_reason text,
    subscriber_id text references subscribers (id),
    device_id text references devices (id),
    fingerprint text not null,
    public_key_hash text not null,
    der bytea not null,
    created_at timestamptz not null
  )`,
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
    certificate_seq bigint not null references certificates (seq),
    primary key (address, certificate_seq)
  )`,

  `create table audit_events (
    seq bigint not null primary key,
    at timestamptz not null,
    actor text not null,
    action text not null,
    target text,
    details text not null,
    prev_hash text not null,
    hash text not null
  )`,
  `create table audit_head (
    id integer not null primary key check (id = 1),
    seq bigint not null,
    hash text not null
  )`,
  `insert into audit_head (id, seq, hash) values (1, 0, '${'0'.repeat(64)}')`,

  `create table operators (
    id text not null primary key,
    name text not null,
    role text not null,
    status text not null,
    token_hash text not null,
    created_at timestamptz not null
  )`,
  'create unique index operators_name_key on operators (name)',
  'create unique index operators_token_hash_key on operators (token_hash)',

  `create table ca_identities (
    id text not null primary key,
    role text not null,
    issuer_id text not null,
    certificate bytea not null,
    key_id text not null,
    active boolean not null,
    created_at timestamptz not null
  )`,
  'create index ca_identities_role_idx on ca_identities (role, created_at)',

  `create table keys (
    id text not null primary key,
    label text not null,
    algorithm text not null,
    public_key bytea not null,
    sealed bytea not null,
    created_at timestamptz not null
  )`,
];

export const initial: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
  },
};
