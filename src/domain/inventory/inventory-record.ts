/** The inventory row for a certificate, with its indexed fields read from the DER itself. */
import { createHash } from 'node:crypto';
import { formatNameDer, readCertificate } from '../../lib/pki/index.js';
import type { CertificateRecord } from './model.js';

export interface Ownership {
  issuerId: string;
  profile: string;
  subscriberId: string | null;
  deviceId: string | null;
  now: Date;
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

export function inventoryRecord(der: Buffer, owner: Ownership): CertificateRecord {
  const fields = readCertificate(der);
  return {
    serial: fields.serialHex,
    issuerId: owner.issuerId,
    subject: formatNameDer(fields.subject),
    emails: fields.emails.map((e) => e.toLowerCase()),
    notBefore: fields.notBefore,
    notAfter: fields.notAfter,
    profile: owner.profile,
    status: 'valid',
    revokedAt: null,
    revocationReason: null,
    subscriberId: owner.subscriberId,
    deviceId: owner.deviceId,
    fingerprint: sha256(der),
    publicKeyHash: sha256(fields.subjectPublicKeyInfo),
    der,
    createdAt: owner.now,
  };
}
