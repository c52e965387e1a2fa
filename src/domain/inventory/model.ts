/**
 * The certificate inventory: every certificate mcms issued (and, later, foreign ones it watches), with
 * the fields that queries by person, status and expiry need kept in indexed columns beside the DER.
 */

export type CertificateStatus = 'valid' | 'revoked';

export interface CertificateRecord {
  /** Lower-case hex of the serial number's magnitude, as printed by openssl without colons. */
  serial: string;
  /** The issuing identity's id (see ca/model.ts). */
  issuerId: string;
  subject: string;
  /** rfc822Name SANs, lower case. */
  emails: string[];
  notBefore: Date;
  notAfter: Date;
  profile: string;
  status: CertificateStatus;
  revokedAt: Date | null;
  revocationReason: string | null;
  subscriberId: string | null;
  deviceId: string | null;
  /** SHA-256 of the DER, lower-case hex. */
  fingerprint: string;
  /** SHA-256 of the SubjectPublicKeyInfo, lower-case hex: finds every certificate of one key. */
  publicKeyHash: string;
  der: Buffer;
  createdAt: Date;
}

/** The state a person sees: `expired` is derived from notAfter at the time of asking. */
export type CertificateState = CertificateStatus | 'expired';

export interface CertificateFilter {
  subscriberId?: string | undefined;
  deviceId?: string | undefined;
  profile?: string | undefined;
  status?: CertificateStatus | undefined;
  /** Only certificates with notAfter <= this instant. */
  notAfterBefore?: Date | undefined;
  /** Only certificates with notAfter > this instant. */
  notAfterAfter?: Date | undefined;
}

export function certificateState(record: CertificateRecord, now: Date): CertificateState {
  if (record.status === 'revoked') return 'revoked';
  return record.notAfter.getTime() <= now.getTime() ? 'expired' : 'valid';
}
