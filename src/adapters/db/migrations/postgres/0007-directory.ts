/**
 * PostgreSQL schema, version 7: directory integration. The publication outbox (intents written with the
 * change that caused them, drained with retries), the values mcms published on directory entries (so
 * that it removes only its own), and the link between a person and their directory entry (sync,
 * leavers). migrations/sqlite/0007-directory.ts is mirrored here column for column. Never edit a released migration.
 */
import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';

const STATEMENTS = [
  `create table publication_outbox (
    seq bigint generated always as identity primary key,
    id text not null,
    subscriber_id text not null,
    reason text not null,
    status text not null,
    attempts integer not null,
    next_attempt_at timestamptz not null,
    created_at timestamptz not null,
    delivered_at timestamptz,
    last_error text
  )`,
  'create unique index publication_outbox_id_key on publication_outbox (id)',
  'create index publication_outbox_due_idx on publication_outbox (status, next_attempt_at)',

  `create table published_values (
    subscriber_id text not null,
    entry_dn text not null,
    attribute text not null,
    value_hash text not null,
    value bytea not null,
    certificate_serial text not null,
    not_after timestamptz not null,
    published_at timestamptz not null,
    primary key (subscriber_id, entry_dn, attribute, value_hash)
  )`,
  'create index published_values_not_after_idx on published_values (not_after)',

  `create table directory_people (
    subscriber_id text not null primary key references subscribers (id),
    entry_dn text not null,
    login_name text,
    department text,
    disabled boolean not null,
    last_seen_at timestamptz not null,
    leaver_reason text,
    leaver_since timestamptz
  )`,
  'create unique index directory_people_entry_dn_key on directory_people (entry_dn)',
  'create index directory_people_leaver_idx on directory_people (leaver_reason)',
];

export const directory: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
  },
};
