/**
 * SQLite schema, version 2: what enrollment and dual control keep. Approval requests with their votes
 * (one vote per voter and request, by unique index), one-time SCEP challenges (only the secret's hash)
 * and SCEP transactions keyed by transactionID and the requester's key hash (RFC 8894 §3.2.1.1).
 * Conventions as in 0001: STRICT tables, ISO-8601 UTC text instants, BLOBs, named unique indexes;
 * migrations/postgres/0002-enrollment.ts mirrors this file. Never edit a released migration: add 0003.
 */
import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';

const STATEMENTS = [
  `create table approval_requests (
    seq integer primary key autoincrement,
    id text not null,
    kind text not null,
    target text not null,
    summary text not null,
    requested_by text not null,
    requester_id text not null,
    required_approvals integer not null,
    status text not null,
    created_at text not null,
    expires_at text not null,
    decided_at text,
    details text not null
  ) strict`,
  'create unique index approval_requests_id_key on approval_requests (id)',
  'create index approval_requests_status_idx on approval_requests (status, seq)',
  'create index approval_requests_kind_idx on approval_requests (kind, seq)',

  `create table approval_votes (
    seq integer primary key autoincrement,
    request_id text not null references approval_requests (id),
    voter_id text not null,
    voter_name text not null,
    decision text not null,
    comment text,
    at text not null
  ) strict`,
  'create unique index approval_votes_request_id_voter_id_key on approval_votes (request_id, voter_id)',

  `create table challenges (
    id text not null primary key,
    subscriber_id text not null references subscribers (id),
    device_id text references devices (id),
    profile text not null,
    secret_hash text not null,
    status text not null,
    failed_attempts integer not null,
    created_by text not null,
    created_at text not null,
    expires_at text not null,
    used_at text
  ) strict`,
  'create index challenges_subscriber_idx on challenges (subscriber_id, created_at)',
  'create index challenges_device_status_idx on challenges (device_id, status)',

  `create table scep_transactions (
    transaction_id text not null,
    requester_key_hash text not null,
    profile text not null,
    subscriber_id text not null references subscribers (id),
    device_id text references devices (id),
    status text not null,
    csr blob not null,
    certificate_serial text,
    approval_id text,
    created_at text not null,
    updated_at text not null,
    primary key (transaction_id, requester_key_hash)
  ) strict`,
  'create index scep_transactions_approval_idx on scep_transactions (approval_id)',
];

export const enrollment: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
  },
};
