/**
 * PostgreSQL schema, version 10: `crl_shards` keeps the signed shard CRLs (`crl.shards` > 1), one row per
 * CA and shard, replaced only by a shard of a newer complete CRL: every worker and node serves the
 * octets the first of them signed, under one ETag, and nobody signs a shard twice. Mirrored by
 * migrations/sqlite/0010-crl-shards.ts. Never edit a released migration.
 */
import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';

const STATEMENTS = [
  `create table crl_shards (
    issuer_id text not null,
    shard integer not null,
    crl_number bigint not null,
    this_update timestamptz not null,
    next_update timestamptz not null,
    covers_seq bigint not null,
    der bytea not null,
    primary key (issuer_id, shard)
  )`,
];

export const crlShards: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
  },
};
