/** What publication's use cases share: their repositories, the directory, the CA chain, the settings. */
import type { Clock } from '../../lib/clock.js';
import type { AuditRepository } from '../audit/index.js';
import type { CertificateRepository } from '../inventory/index.js';
import type { SubscriberRepository } from '../subscribers/index.js';
import type { UnitOfWork } from '../unit-of-work.js';
import type { CurrentEncryptionSerial, DirectoryPublisher, PublicationOutboxRepository, PublishedValueRepository } from './ports.js';

export interface PublicationSettings {
  /** `userCertificate;binary` by default (RFC 4523 wants the ;binary transfer option). */
  certificateAttribute: string;
  /** `userSMIMECertificate` by default; empty: not published. */
  smimeAttribute: string;
  retryBaseMs: number;
  retryMaxMs: number;
  batchSize: number;
}

export interface PublicationDeps {
  uow: UnitOfWork<{
    publicationOutbox: PublicationOutboxRepository; publishedValues: PublishedValueRepository;
    subscribers: SubscriberRepository; certificates: CertificateRepository; audit: AuditRepository;
  }>;
  /** Null when no directory is configured: intents are closed with a note, nothing is published. */
  directory: DirectoryPublisher | null;
  currentEncryptionSerial: CurrentEncryptionSerial;
  /** The issuing CA's chain, issuing CA first (for the PKCS#7 in userSMIMECertificate). */
  chain(): Promise<Buffer[]>;
  clock: Clock;
  settings: PublicationSettings;
}
