/**
 * The tables as Kysely sees them, and how domain values map onto their columns. The same types serve
 * both dialects: SQLite returns ISO-8601 text and 0/1 where PostgreSQL returns Date and boolean, so
 * the read side of those columns is a union and the repositories read them through `dateFrom`/`flagFrom`.
 * Writes use ISO-8601 UTC text with milliseconds for instants (PostgreSQL parses it into timestamptz)
 * and 0/1 for flags (PostgreSQL parses '1'/'0' into boolean), so no repository branches on the dialect.
 */
import type { ColumnType, Generated } from 'kysely';

export type Dialect = 'sqlite' | 'postgres';

/** An instant: `text` (ISO-8601 UTC, milliseconds) in SQLite, `timestamptz` in PostgreSQL. */
export type Instant = ColumnType<Date | string, string, string>;
/** A flag: `integer` 0/1 in SQLite, `boolean` in PostgreSQL. */
export type Flag = ColumnType<boolean | number, number, number>;

export interface SubscribersTable {
  /** Insertion order; keys the newest-first listing. */
  seq: Generated<number>;
  id: string;
  display_name: string | null;
  status: string;
  created_at: Instant;
}

export interface MailboxesTable {
  /** Lower case; the primary key makes an address belong to one subscriber only. */
  address: string;
  subscriber_id: string;
  is_primary: Flag;
  /** The order the mailboxes were given in (the order SANs are written in). */
  position: number;
}

export interface DevicesTable {
  id: string;
  subscriber_id: string;
  name: string;
  status: string;
  created_at: Instant;
}

export interface CertificatesTable {
  /** Insertion order; keys the newest-first listing and its cursor. */
  seq: Generated<number>;
  serial: string;
  issuer_id: string;
  subject: string;
  /** The rfc822Name SANs as a JSON array, in certificate order; searchable copy in certificate_emails. */
  emails: string;
  not_before: Instant;
  not_after: Instant;
  profile: string;
  status: string;
  revoked_at: Instant | null;
  revocation_reason: string | null;
  subscriber_id: string | null;
  device_id: string | null;
  fingerprint: string;
  public_key_hash: string;
  der: Buffer;
  created_at: Instant;
}

/** One row per (address, certificate): the index a search by e-mail address will use. */
export interface CertificateEmailsTable {
  address: string;
  certificate_seq: number;
}

export interface AuditEventsTable {
  seq: number;
  at: Instant;
  actor: string;
  action: string;
  target: string | null;
  /** Canonical JSON (sorted keys), exactly the text the record's hash covers. */
  details: string;
  prev_hash: string;
  hash: string;
}

/** A single row (id = 1): the newest record's seq and hash; genesis is seq 0 and 64 zeros. */
export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
}

export interface OperatorsTable {
  id: string;
  name: string;
  role: string;
  status: string;
  token_hash: string;
  created_at: Instant;
}

export interface CaIdentitiesTable {
  id: string;
  role: string;
  issuer_id: string;
  certificate: Buffer;
  key_id: string;
  active: Flag;
  created_at: Instant;
}

/** Software keys: the private key only ever sealed under the master key (see adapters/keys). */
export interface KeysTable {
  id: string;
  label: string;
  algorithm: string;
  public_key: Buffer;
  sealed: Buffer;
  created_at: Instant;
}

export interface ApprovalRequestsTable {
  /** Insertion order; keys the newest-first listing and its cursor. */
  seq: Generated<number>;
  id: string;
  kind: string;
  target: string;
  summary: string;
  requested_by: string;
  requester_id: string;
  required_approvals: number;
  status: string;
  created_at: Instant;
  expires_at: Instant;
  decided_at: Instant | null;
  /** A JSON object. */
  details: string;
}

/** One row per vote; the unique (request_id, voter_id) makes each voter count once. */
export interface ApprovalVotesTable {
  /** Insertion order: the order the votes were cast in. */
  seq: Generated<number>;
  request_id: string;
  voter_id: string;
  voter_name: string;
  decision: string;
  comment: string | null;
  at: Instant;
}

/** One-time SCEP challenges: the SHA-256 of the secret, never the secret. */
export interface ChallengesTable {
  id: string;
  subscriber_id: string;
  device_id: string | null;
  profile: string;
  secret_hash: string;
  status: string;
  failed_attempts: number;
  created_by: string;
  created_at: Instant;
  expires_at: Instant;
  used_at: Instant | null;
}

/** Keyed by (transaction_id, requester_key_hash): a replay finds its first result. */
export interface ScepTransactionsTable {
  transaction_id: string;
  requester_key_hash: string;
  profile: string;
  subscriber_id: string;
  device_id: string | null;
  status: string;
  /** The PKCS#10 request (DER). */
  csr: Buffer;
  certificate_serial: string | null;
  approval_id: string | null;
  created_at: Instant;
  updated_at: Instant;
}

/** Escrowed encryption identities: the private key sealed under a data key, the data key wrapped by a KRA key. */
export interface EscrowRecordsTable {
  seq: Generated<number>;
  id: string;
  subscriber_id: string;
  certificate_serial: string;
  key_algorithm: string;
  public_key_hash: string;
  status: string;
  past_reason: string | null;
  sealed_key: Buffer;
  wrapped_key: Buffer;
  kra_key_id: string;
  created_at: Instant;
  retired_at: Instant | null;
}

export interface EscrowKraKeysTable {
  key_id: string;
  status: string;
  created_at: Instant;
}

/** One row per exported key recovery: the primary key makes the export happen once. */
export interface EscrowExportsTable {
  approval_id: string;
  exported_by: string;
  exported_at: Instant;
}

/** One row per scheduled job: who runs it now (the lease) and how its last run went. */
export interface JobLeasesTable {
  name: string;
  holder: string | null;
  lease_expires_at: Instant | null;
  last_started_at: Instant | null;
  last_finished_at: Instant | null;
  last_status: string | null;
  last_summary: string | null;
  runs: Generated<number>;
}

/** Single-use enrollment links (0005-delivery): only the secret's SHA-256 is kept. */
export interface EnrollmentLinksTable {
  id: string;
  subscriber_id: string;
  device_id: string | null;
  secret_hash: string;
  status: string;
  created_by: string;
  created_at: Instant;
  expires_at: Instant;
  used_at: Instant | null;
  mailed_at: Instant | null;
}

/** Over-the-air enrollment sessions (0005-delivery): Apple Profile Service phases 1–3 for one device. */
export interface OtaSessionsTable {
  id: string;
  subscriber_id: string;
  device_id: string;
  secret_hash: string;
  status: string;
  udid: string | null;
  product: string | null;
  os_version: string | null;
  created_at: Instant;
  expires_at: Instant;
  attested_at: Instant | null;
  delivered_at: Instant | null;
}

/** Directory publication intents (domain/publication): written with their cause, drained with retries. */
export interface PublicationOutboxTable {
  seq: Generated<number>;
  id: string;
  subscriber_id: string;
  reason: string;
  status: string;
  attempts: number;
  next_attempt_at: Instant;
  created_at: Instant;
  delivered_at: Instant | null;
  last_error: string | null;
}

/** Values mcms wrote to directory entries: the only ones it ever removes. */
export interface PublishedValuesTable {
  subscriber_id: string;
  entry_dn: string;
  attribute: string;
  value_hash: string;
  value: Buffer;
  certificate_serial: string;
  not_after: Instant;
  published_at: Instant;
}

/** A person's directory entry as the last sync saw it, and their leaver state. */
export interface DirectoryPeopleTable {
  subscriber_id: string;
  entry_dn: string;
  login_name: string | null;
  department: string | null;
  disabled: Flag;
  last_seen_at: Instant;
  leaver_reason: string | null;
  leaver_since: Instant | null;
}

/** One row per notice or action a certificate has had: the primary key makes each happen once ever. */
export interface ExpiryEventsTable {
  fingerprint: string;
  /** `notice-<days>` at a threshold, `action` when the profile's action is due, `expired` after notAfter. */
  event: string;
  /** `issued` (certificates) or `monitored` (monitored_certificates). */
  source: string;
  serial: string;
  subject: string;
  profile: string;
  subscriber_id: string | null;
  not_after: Instant;
  scan_id: string;
  created_at: Instant;
}

/** Messages and actions waiting to be carried out, with their retries; a row is marked sent once done. */
export interface NotificationOutboxTable {
  seq: Generated<number>;
  kind: string;
  channel: string;
  recipient: string;
  fingerprint: string | null;
  event: string | null;
  scan_id: string | null;
  status: string;
  attempts: Generated<number>;
  next_attempt_at: Instant;
  last_error: string | null;
  created_at: Instant;
  sent_at: Instant | null;
}

/** Certificates from other CAs, watched for expiry only. */
export interface MonitoredCertificatesTable {
  seq: Generated<number>;
  fingerprint: string;
  serial: string;
  issuer: string;
  subject: string;
  emails: string;
  not_before: Instant;
  not_after: Instant;
  subscriber_id: string | null;
  source: string;
  der: Buffer;
  created_at: Instant;
}

/** The revocation log (0006-revocation): one row per revoked certificate, in revocation order. */
export interface RevocationsTable {
  seq: Generated<number>;
  serial: string;
  issuer_id: string;
  revoked_at: Instant;
  /** RFC 5280 §5.3.1 CRLReason; null when the entry carries no reasonCode (unspecified). */
  reason_code: number | null;
  not_after: Instant;
}

/** Per issuing CA: the shared cRLNumber sequence and the last complete and delta CRLs. */
export interface CrlShardTable {
  issuer_id: string;
  shard: number;
  crl_number: number;
  this_update: Instant;
  next_update: Instant;
  covers_seq: number;
  der: Buffer;
}

export interface CrlStateTable {
  issuer_id: string;
  crl_number: number;
  full_number: number | null;
  full_this_update: Instant | null;
  full_next_update: Instant | null;
  full_covers_seq: number | null;
  full_der: Buffer | null;
  delta_number: number | null;
  delta_this_update: Instant | null;
  delta_next_update: Instant | null;
  delta_covers_seq: number | null;
  delta_der: Buffer | null;
}

/** One row per scan: its time and the inventory's high-water marks, for the next scan to start from. */
export interface ExpiryScansTable {
  seq: Generated<number>;
  scan_id: string;
  scanned_at: Instant;
  certificates_seq: number;
  monitored_seq: number;
  /** The windows' configuration; a change makes the next scan a full one. */
  windows: string;
  /** When the last full scan ran (this one, or carried forward). */
  full_scan_at: Instant;
  created_at: Instant;
}

export interface Database {
  subscribers: SubscribersTable;
  mailboxes: MailboxesTable;
  devices: DevicesTable;
  certificates: CertificatesTable;
  certificate_emails: CertificateEmailsTable;
  audit_events: AuditEventsTable;
  audit_head: AuditHeadTable;
  operators: OperatorsTable;
  ca_identities: CaIdentitiesTable;
  keys: KeysTable;
  approval_requests: ApprovalRequestsTable;
  approval_votes: ApprovalVotesTable;
  challenges: ChallengesTable;
  scep_transactions: ScepTransactionsTable;
  escrow_records: EscrowRecordsTable;
  escrow_kra_keys: EscrowKraKeysTable;
  escrow_exports: EscrowExportsTable;
  job_leases: JobLeasesTable;
  enrollment_links: EnrollmentLinksTable;
  ota_sessions: OtaSessionsTable;
  publication_outbox: PublicationOutboxTable;
  published_values: PublishedValuesTable;
  directory_people: DirectoryPeopleTable;
  expiry_events: ExpiryEventsTable;
  notification_outbox: NotificationOutboxTable;
  monitored_certificates: MonitoredCertificatesTable;
  revocations: RevocationsTable;
  crl_state: CrlStateTable;
  crl_shards: CrlShardTable;
  expiry_scans: ExpiryScansTable;
}

/** ISO-8601 UTC with milliseconds: sorts as text in SQLite, parses as timestamptz in PostgreSQL. */
export function instant(date: Date): string {
  return date.toISOString();
}

export function dateFrom(value: Date | string): Date {
  return new Date(value);
}

export function flag(value: boolean): number {
  return value ? 1 : 0;
}

export function flagFrom(value: boolean | number): boolean {
  return value === true || value === 1;
}
