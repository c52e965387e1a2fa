/**
 * PostgreSQL schema, version 5: device delivery. Enrollment links (single-use, expiring, only the
 * secret's hash stored) and over-the-air enrollment sessions (Apple Profile Service phases 1–3: the
 * phase-1 challenge's hash, the device's attested UDID, and how far the session got).
 * migrations/sqlite/0005-delivery.ts is mirrored here column for column, instants as timestamptz. Never edit a released migration: add 0006.
 */
import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';

const STATEMENTS = [
  `create table enrollment_links (
    id text not null primary key,
    subscriber_id text not null references subscribers (id),
    device_id text references devices (id),
    secret_hash text not null,
    status text not null check (status in ('open', 'used', 'revoked')),
    created_by text not null,
    created_at timestamptz not null,
    expires_at timestamptz not null,
    used_at timestamptz,
    mailed_at timestamptz
  )`,
  'create index enrollment_links_subscriber_idx on enrollment_links (subscriber_id, created_at)',
  `create table ota_sessions (
    id text not null primary key,
    subscriber_id text not null references subscribers (id),
    device_id text not null references devices (id),
    secret_hash text not null,
    status text not null check (status in ('open', 'attested', 'delivered', 'revoked')),
    udid text,
    product text,
    os_version text,
    created_at timestamptz not null,
    expires_at timestamptz not null,
    attested_at timestamptz,
    delivered_at timestamptz
  )`,
  'create index ota_sessions_device_idx on ota_sessions (device_id, status)',
];

export const delivery: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
  },
};
