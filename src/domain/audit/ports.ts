/** Storage the audit trail needs. */
import type { AuditHead, AuditRecord } from './model.js';

export interface AuditRepository {
  /**
   * The head of the chain, locked for the rest of the transaction (PostgreSQL: SELECT … FOR UPDATE),
   * so that concurrent transactions append one after the other.
   */
  lockHead(): Promise<AuditHead>;
  /** Unlocked read of the head, for verification. */
  head(): Promise<AuditHead>;
  /** Inserts the record and moves the head to it. */
  append(record: AuditRecord): Promise<void>;
  /** Records with seq > afterSeq in seq order, at most `limit`. */
  listAfter(afterSeq: number, limit: number): Promise<AuditRecord[]>;
}
