/**
 * Revocation as RFC 5280 §5.3.1 names it, with the S/MIME BR §7.2.2 rules on top: `unspecified` is
 * never written as a reasonCode (the extension is left out instead), and `certificateHold` is not
 * allowed for Strict certificates.
 */

/** CRLReason values (RFC 5280 §5.3.1); 7 is unused, 8 (removeFromCRL) belongs to delta CRLs only. */
export const REVOCATION_REASONS = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  privilegeWithdrawn: 9,
  aACompromise: 10,
} as const;

export type RevocationReason = keyof typeof REVOCATION_REASONS;

export const REVOCATION_REASON_NAMES = Object.keys(REVOCATION_REASONS) as RevocationReason[];

export function isRevocationReason(value: string): value is RevocationReason {
  return Object.hasOwn(REVOCATION_REASONS, value);
}

/** The reasonCode a CRL entry or OCSP RevokedInfo carries: none for unspecified (S/MIME BR §7.2.2). */
export function reasonCodeOf(reason: string | null): number | null {
  if (reason === null || !isRevocationReason(reason) || reason === 'unspecified') return null;
  return REVOCATION_REASONS[reason];
}

/** One revoked certificate as the revocation log keeps it. */
export interface Revocation {
  serial: string;
  issuerId: string;
  revokedAt: Date;
  reason: RevocationReason;
  /** The certificate's notAfter: CRLs drop the entry once it has passed. */
  notAfter: Date;
}

/** A CRL entry read back from the log for a CRL, in revocation order. */
export interface RevocationEntry {
  seq: number;
  serial: string;
  revokedAt: Date;
  reasonCode: number | null;
}

/** The status a responder reports for a serial, read from the inventory. */
export interface SerialStatus {
  issuerId: string;
  status: 'valid' | 'revoked';
  revokedAt: Date | null;
  reason: string | null;
}

export type CrlKind = 'full' | 'delta';

/** A signed CRL as published. */
export interface PublishedCrl {
  kind: CrlKind;
  issuerId: string;
  number: number;
  thisUpdate: Date;
  nextUpdate: Date;
  /** The highest revocation seq the CRL reflects. */
  coversSeq: number;
  der: Buffer;
  /** Set on a shard of the complete CRL (crl.shards > 1): which one. */
  shard?: number;
}

/** Per issuing CA: the cRLNumber sequence (shared by complete and delta CRLs) and the last of each. */
export interface CrlState {
  issuerId: string;
  lastNumber: number;
  full: PublishedCrl | null;
  delta: PublishedCrl | null;
}
