import type { Page, PageRequest } from '../unit-of-work.js';
import type { CertificateFilter, CertificateRecord } from './model.js';

export interface CertificateRepository {
  /** Throws DomainError('certificate.serial-taken') when the serial exists (the database enforces it). */
  insert(record: CertificateRecord): Promise<void>;
  findBySerial(serial: string): Promise<CertificateRecord | null>;
  /** Newest first; the cursor is opaque to callers. */
  list(filter: CertificateFilter, page: PageRequest): Promise<Page<CertificateRecord>>;
  count(filter: CertificateFilter): Promise<number>;
}
