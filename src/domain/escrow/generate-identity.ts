/**
 * `mcms escrow generate`: a new encryption identity for a person (S/MIME BR §6.1.1.3, CA-generated
 * key): a key pair from the pool, an smime-encryption certificate through the RA's issuance step, and
 * the private key archived. The person's previous current identity becomes past ("rekeyed"). The
 * certificate, the archive record, the retirement and the audit record commit together.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Principal } from '../access/index.js';
import { requirePermission } from '../access/index.js';
import { recordAuditEvent } from '../audit/index.js';
import { certifyRequest, issuanceDetails } from '../enrollment/index.js';
import type { CertificateRecord } from '../inventory/index.js';
import { describePublicKey } from '../../lib/pki/index.js';
import { requestDirectoryReconciliation } from '../publication/index.js';
import { findSubscriber } from '../subscribers/index.js';
import type { EscrowDeps } from './escrow-deps.js';
import { activeKraKey } from './escrow-deps.js';
import { identityView } from './identity-history.js';
import { archivePrivateKey } from './key-archive.js';
import type { EncryptionIdentity, EncryptionKeyAlgorithm, EscrowRecord } from './model.js';

export interface GeneratedIdentity {
  identity: EncryptionIdentity;
  certificate: CertificateRecord;
  /** The identity it replaced as current, if there was one. */
  replaced: string | null;
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

export async function generateEncryptionIdentity(
  deps: EscrowDeps,
  principal: Principal,
  input: { subscriber: string; algorithm?: EncryptionKeyAlgorithm | undefined },
): Promise<GeneratedIdentity> {
  requirePermission(principal, 'certificates.issue');
  const algorithm = input.algorithm ?? deps.settings.keyAlgorithm;
  const subscriber = await findSubscriber(deps.uow.read.subscribers, input.subscriber);
  const kra = await activeKraKey(deps, principal.actor);
  const pair = await deps.keySource.take(algorithm);
  const spki = pair.publicKey.export({ type: 'spki', format: 'der' });
  const now = deps.clock.now();
  const certificate = await certifyRequest(deps, {
    profile: deps.profiles.get('smime-encryption'), subscriber, device: null,
    key: { subjectPublicKeyInfo: spki, publicKey: describePublicKey(spki) }, now,
  });
  const id = randomUUID();
  const archive = archivePrivateKey(pair.privateKey, { recordId: id, subscriberId: subscriber.id, certificateSerial: certificate.serial }, kra);
  const record: EscrowRecord = {
    id, subscriberId: subscriber.id, certificateSerial: certificate.serial, keyAlgorithm: algorithm, publicKeyHash: sha256(spki),
    status: 'current', pastReason: null, ...archive, kraKeyId: kra.id, createdAt: now, retiredAt: null,
  };
  const replaced = await commitIdentity(deps, principal, { record, certificate, reason: 'rekeyed', action: 'escrow.generate' });
  return { identity: identityView(record, certificate), certificate, replaced };
}

/** Stores a new current identity and its certificate, retiring the previous current one with `reason`. */
export async function commitIdentity(
  deps: EscrowDeps,
  principal: Principal,
  input: { record: EscrowRecord; certificate: CertificateRecord; reason: 'rekeyed' | 'recertified'; action: string; details?: Record<string, unknown> },
): Promise<string | null> {
  const { record, certificate } = input;
  return deps.uow.transaction(async (tx) => {
    const previous = await tx.escrow.findCurrent(record.subscriberId);
    if (previous) await tx.escrow.retire(previous.id, { reason: input.reason, at: record.createdAt });
    await tx.certificates.insert(certificate);
    await tx.escrow.insert(record);
    // Publication (smime-mobile-notes §8.1): the new certificate replaces the old one in the directory.
    await requestDirectoryReconciliation(tx, record.subscriberId, record.createdAt, 'issued');
    await recordAuditEvent(tx.audit, deps.clock, principal.actor, {
      action: input.action, target: certificate.serial,
      details: issuanceDetails(certificate, {
        via: 'escrow', algorithm: record.keyAlgorithm, escrowId: record.id, kraKeyId: record.kraKeyId,
        replaced: previous?.certificateSerial ?? null, ...input.details,
      }),
    });
    return previous?.certificateSerial ?? null;
  });
}
