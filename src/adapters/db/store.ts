/**
 * What the storage adapter hands the composition root: every repository the domain's ports ask for,
 * as a unit of work (reads outside a transaction, writes inside one), plus the sealed-key table the
 * software key store uses, which lives outside the domain's units of work.
 */
import type { Kysely } from 'kysely';
import type { ApprovalRepository, OperatorRepository } from '../../domain/access/index.js';
import type { AuditRepository } from '../../domain/audit/index.js';
import type { IdentityRepository } from '../../domain/ca/index.js';
import type { ChallengeRepository, ScepTransactionRepository } from '../../domain/enrollment/index.js';
import type { EnrollmentLinkRepository, OtaSessionRepository } from '../../domain/delivery/index.js';
import type { EscrowRepository, KraKeyRepository } from '../../domain/escrow/index.js';
import type { ExpiryRepository } from '../../domain/expiry/index.js';
import type { CertificateRepository } from '../../domain/inventory/index.js';
import type { DirectoryLinkRepository } from '../../domain/directory/index.js';
import type { PublicationOutboxRepository, PublishedValueRepository } from '../../domain/publication/index.js';
import type { DeviceRepository, SubscriberRepository } from '../../domain/subscribers/index.js';
import type { UnitOfWork } from '../../domain/unit-of-work.js';
import type { KeyBlobRepository } from '../keys/key-blob.js';
import type { JobLeaseRepository } from './job-lease-repository.js';
import { KyselyApprovalRepository } from './approval-repository.js';
import { KyselyAuditRepository } from './audit-repository.js';
import { KyselyCertificateRepository } from './certificate-repository.js';
import { KyselyChallengeRepository } from './challenge-repository.js';
import { KyselyDeviceRepository } from './device-repository.js';
import { KyselyEnrollmentLinkRepository, KyselyOtaSessionRepository } from './enrollment-link-repository.js';
import { KyselyEscrowRepository, KyselyKraKeyRepository } from './escrow-repository.js';
import { KyselyExpiryRepository } from './expiry-repository.js';
import { KyselyIdentityRepository } from './identity-repository.js';
import { KyselyOperatorRepository } from './operator-repository.js';
import { KyselyDirectoryLinkRepository } from './directory-link-repository.js';
import { KyselyPublicationOutboxRepository, KyselyPublishedValueRepository } from './publication-repository.js';
import { KyselyScepTransactionRepository } from './scep-transaction-repository.js';
import type { Database, Dialect } from './schema.js';
import { KyselySubscriberRepository } from './subscriber-repository.js';
import type { CrlStateRepository, RevocationRepository } from '../../domain/revocation/index.js';
import { KyselyCrlStateRepository, KyselyRevocationRepository } from './revocation-repository.js';

export interface Repositories {
  subscribers: SubscriberRepository;
  devices: DeviceRepository;
  certificates: CertificateRepository;
  audit: AuditRepository;
  operators: OperatorRepository;
  identities: IdentityRepository;
  approvals: ApprovalRepository;
  challenges: ChallengeRepository;
  scepTransactions: ScepTransactionRepository;
  escrow: EscrowRepository;
  kraKeys: KraKeyRepository;
  enrollmentLinks: EnrollmentLinkRepository;
  otaSessions: OtaSessionRepository;
  publicationOutbox: PublicationOutboxRepository;
  publishedValues: PublishedValueRepository;
  directoryLinks: DirectoryLinkRepository;
  expiry: ExpiryRepository;
  revocations: RevocationRepository;
  crlState: CrlStateRepository;
}

/**
 * On SQLite a transaction holds the one connection until it ends: inside `transaction(work)`, use the
 * repositories `work` is given, never `read` or a nested `transaction` (they would wait for ever).
 */
export interface Store extends UnitOfWork<Repositories> {
  readonly dialect: Dialect;
  keyBlobs: KeyBlobRepository;
  /** Leases of scheduled jobs (operational state, outside the domain's units of work). */
  jobLeases: JobLeaseRepository;
  /**
   * The revocation log's newest seq, read synchronously on a connection of its own (SQLite files only;
   * a few µs, so the OCSP responder can check it before every cached answer); undefined when the read
   * fails just now. Absent on PostgreSQL and in-memory SQLite.
   */
  latestRevocationSeqNow?: () => number | undefined;
  close(): Promise<void>;
}

/** The repositories bound to one executor: the database itself, or an open transaction. */
export function repositoriesOn(db: Kysely<Database>, dialect: Dialect): Repositories {
  return {
    subscribers: new KyselySubscriberRepository(db),
    devices: new KyselyDeviceRepository(db),
    certificates: new KyselyCertificateRepository(db),
    audit: new KyselyAuditRepository(db, dialect),
    operators: new KyselyOperatorRepository(db),
    identities: new KyselyIdentityRepository(db),
    approvals: new KyselyApprovalRepository(db),
    challenges: new KyselyChallengeRepository(db),
    scepTransactions: new KyselyScepTransactionRepository(db),
    escrow: new KyselyEscrowRepository(db),
    kraKeys: new KyselyKraKeyRepository(db),
    enrollmentLinks: new KyselyEnrollmentLinkRepository(db),
    otaSessions: new KyselyOtaSessionRepository(db),
    publicationOutbox: new KyselyPublicationOutboxRepository(db),
    publishedValues: new KyselyPublishedValueRepository(db),
    directoryLinks: new KyselyDirectoryLinkRepository(db),
    expiry: new KyselyExpiryRepository(db, dialect),
    revocations: new KyselyRevocationRepository(db),
    crlState: new KyselyCrlStateRepository(db),
  };
}
