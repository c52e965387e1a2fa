/**
 * SQLite schema, version 10: `crl_shards` keeps the signed shard CRLs (`crl.shards` > 1), one row per CA
 * and shard, replaced only by a shard of a newer complete CRL: every worker and node serves the octets
 * the first of them signed, under one ETag, and nobody signs a shard twice. Mirrored by
 * migrations/postgres/0010-crl-shards.ts. Never edit a released migration.
 */
import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';

const STATEMENTS = [
  `create table crl_shards (
    issuer_id text not null,
    shard integer not null,
    crl_number integer not null,
    this_update text not null,
    next_update text not null,
    covers_seq integer not null,
    der blob not null,
    primary key (issuer_id, shard)
  ) strict`,
];

export const crlShards: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
  },
};
