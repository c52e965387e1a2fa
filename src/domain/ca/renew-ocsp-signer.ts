/**
 * Renews the delegated OCSP responder certificate before it expires (RFC 6960 §4.2.2.2; S/MIME BR
 * §4.9.9: id-kp-OCSPSigning and id-pkix-ocsp-nocheck, so keep it short-lived and replace it in time).
 * A new key is generated in custody and certified by the same CA with the subject of the current
 * responder; the new identity (`ocsp-signer-<time>`) becomes the active one by being the newest.
 */
import type { Clock } from '../../lib/clock.js';
import {
  authorityKeyIdentifier, extendedKeyUsage, idKpOCSPSigning, keyIdentifier, keyUsage, ocspNoCheck, randomSerial, readCertificate,
  subjectKeyIdentifier,
} from '../../lib/pki/index.js';
import type { Actor, AuditRepository } from '../audit/index.js';
import { recordAuditEvent } from '../audit/index.js';
import { DomainError } from '../errors.js';
import type { CertificateRepository } from '../inventory/index.js';
import { inventoryRecord } from '../inventory/index.js';
import type { UnitOfWork } from '../unit-of-work.js';
import type { CaErrorCode } from './errors.js';
import type { CaIdentity } from './model.js';
import type { IdentityRepository, KeyStore } from './ports.js';
import { signCertificate, signerFor } from './sign-certificate.js';

const DAY_MS = 86_400_000;

export interface OcspSignerRenewal {
  renewed: boolean;
  /** The active responder identity after the run. */
  identityId: string;
  notAfter: Date;
}

export async function renewOcspSigner(
  deps: { uow: UnitOfWork<{ identities: IdentityRepository; certificates: CertificateRepository; audit: AuditRepository }>; keys: KeyStore; clock: Clock },
  actor: Actor,
  settings: { validityDays: number; renewBeforeDays: number; force?: boolean },
): Promise<OcspSignerRenewal> {
  const current = await deps.uow.read.identities.findActive('ocsp-signer');
  if (!current) throw new DomainError<CaErrorCode>('ca.not-initialized', 'no OCSP signer: run `mcms init` first');
  const fields = readCertificate(current.certificate);
  const now = deps.clock.now();
  if (!settings.force && fields.notAfter.getTime() - now.getTime() > settings.renewBeforeDays * DAY_MS) {
    return { renewed: false, identityId: current.id, notAfter: fields.notAfter };
  }
  const ca = await deps.uow.read.identities.findById(current.issuerId);
  if (!ca) throw new DomainError<CaErrorCode>('ca.not-initialized', `the CA ${current.issuerId} of the OCSP signer is missing`);
  const caKey = await deps.keys.get(ca.keyId);
  const key = await deps.keys.generate({ algorithm: (await deps.keys.get(current.keyId)).algorithm, label: `ocsp-signer ${now.toISOString()}` });
  const notBefore = new Date(now.getTime() - 60_000);
  const notAfter = new Date(notBefore.getTime() + settings.validityDays * DAY_MS - 1000);
  const der = await signCertificate(signerFor(caKey), {
    serial: randomSerial(), issuer: readCertificate(ca.certificate).subject, subject: fields.subject, notBefore, notAfter,
    subjectPublicKeyInfo: key.publicKey,
    extensions: [
      keyUsage(['digitalSignature']), extendedKeyUsage([idKpOCSPSigning]), ocspNoCheck(),
      subjectKeyIdentifier(keyIdentifier(key.publicKey)), authorityKeyIdentifier(keyIdentifier(caKey.publicKey)),
    ],
  });
  const id = `ocsp-signer-${now.toISOString().replace(/[-:TZ.]/g, '').slice(0, 14)}`;
  const identity: CaIdentity = { id, role: 'ocsp-signer', issuerId: ca.id, certificate: der, keyId: key.id, active: true, createdAt: now };
  await deps.uow.transaction(async (tx) => {
    await tx.identities.insert(identity);
    await tx.certificates.insert(inventoryRecord(der, { issuerId: ca.id, profile: 'ocsp-signer', subscriberId: null, deviceId: null, now }));
    await recordAuditEvent(tx.audit, deps.clock, actor, {
      action: 'ca.ocsp-signer-renew', target: id, details: { replaces: current.id, serial: readCertificate(der).serialHex, notAfter: notAfter.toISOString() },
    });
  });
  return { renewed: true, identityId: id, notAfter };
}
