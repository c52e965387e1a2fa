/**
 * `GET /api/v1/lookup?email=…`: the certificate to encrypt to for a mailbox, for mail gateways and
 * clients without LDAP — the same certificate the directory holds (publishableCertificate). Anyone
 * unknown, disabled or without a valid encryption certificate gets the same not-found, so the answer
 * says no more than the directory would. Callers need `certificates.read` or the narrower
 * `certificates.lookup` (the `gateway` role).
 */
import type { Principal } from '../access/index.js';
import { can, requirePermission } from '../access/index.js';
import { DomainError } from '../errors.js';
import type { CertificateRecord } from '../inventory/index.js';
import { normaliseMailbox } from '../subscribers/index.js';
import type { PublicationDeps } from './publication-deps.js';
import { publishableCertificate } from './reconcile-entry.js';

export async function lookupEncryptionCertificate(
  deps: Pick<PublicationDeps, 'uow' | 'currentEncryptionSerial' | 'chain' | 'clock'>,
  principal: Principal,
  email: string,
): Promise<{ certificate: CertificateRecord; chain: Buffer[] }> {
  if (!can(principal, 'certificates.read')) requirePermission(principal, 'certificates.lookup');
  const address = normaliseMailbox(email);
  const subscriber = await deps.uow.read.subscribers.findByMailbox(address);
  const certificate = subscriber ? await publishableCertificate(deps, subscriber, deps.clock.now()) : null;
  if (!certificate) throw new DomainError('certificate.not-found', `no current encryption certificate for ${address}`);
  return { certificate, chain: await deps.chain() };
}
