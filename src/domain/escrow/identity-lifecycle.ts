/**
 * Lifecycle of an escrowed identity besides re-keying (which is generate-identity.ts): re-certify the
 * archived key under a new certificate (same key, e.g. after a name change), and mark an identity
 * compromised — it stays in escrow for reading old mail, is delivered as past, never as current, and
 * its certificate is revoked (keyCompromise, S/MIME BR §4.9.1.1) in the same transaction.
 */
import { createPublicKey, randomUUID } from 'node:crypto';
import type { Principal } from '../access/index.js';
import { requirePermission } from '../access/index.js';
import { recordAuditEvent } from '../audit/index.js';
import { certifyRequest } from '../enrollment/index.js';
import { DomainError } from '../errors.js';
import { normaliseSerial } from '../inventory/index.js';
import { requestDirectoryReconciliation } from '../publication/index.js';
import { revokeRecord } from '../revocation/index.js';
import { describePublicKey } from '../../lib/pki/index.js';
import type { EscrowDeps } from './escrow-deps.js';
import { activeKraKey } from './escrow-deps.js';
import type { EscrowErrorCode } from './errors.js';
import { commitIdentity } from './generate-identity.js';
import type { GeneratedIdentity } from './generate-identity.js';
import { identityView } from './identity-history.js';
import { archivePrivateKey, openArchivedKey } from './key-archive.js';
import type { EscrowRecord } from './model.js';

const fail = (code: EscrowErrorCode, message: string) => new DomainError(code, message);

async function findRecord(deps: Pick<EscrowDeps, 'uow'>, serial: string): Promise<EscrowRecord> {
  const record = await deps.uow.read.escrow.findBySerial(normaliseSerial(serial));
  if (!record) throw fail('escrow.not-found', `no escrowed identity with serial ${serial}`);
  return record;
}

export async function recertifyEncryptionIdentity(deps: EscrowDeps, principal: Principal, input: { serial: string }): Promise<GeneratedIdentity> {
  requirePermission(principal, 'certificates.issue');
  const old = await findRecord(deps, input.serial);
  if (old.pastReason === 'compromised') throw fail('escrow.compromised', `the key of ${old.certificateSerial} is compromised: generate a new one`);
  const subscriber = await deps.uow.read.subscribers.findById(old.subscriberId);
  if (!subscriber) throw new DomainError('subscriber.not-found', `no subscriber ${old.subscriberId}`);
  const privateKey = await openArchivedKey(old, await deps.keys.get(old.kraKeyId));
  const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const now = deps.clock.now();
  const certificate = await certifyRequest(deps, {
    profile: deps.profiles.get('smime-encryption'), subscriber, device: null, key: { subjectPublicKeyInfo: spki, publicKey: describePublicKey(spki) }, now,
  });
  const kra = await activeKraKey(deps, principal.actor);
  const id = randomUUID();
  const archive = archivePrivateKey(privateKey, { recordId: id, subscriberId: subscriber.id, certificateSerial: certificate.serial }, kra);
  const record: EscrowRecord = {
    ...old, id, certificateSerial: certificate.serial, status: 'current', pastReason: null, ...archive, kraKeyId: kra.id, createdAt: now, retiredAt: null,
  };
  const replaced = await commitIdentity(deps, principal, { record, certificate, reason: 'recertified', action: 'escrow.recertify', details: { from: old.certificateSerial } });
  return { identity: identityView(record, certificate), certificate, replaced };
}

export async function markIdentityCompromised(deps: EscrowDeps, principal: Principal, input: { serial: string }): Promise<void> {
  requirePermission(principal, 'certificates.issue');
  const record = await findRecord(deps, input.serial);
  const at = deps.clock.now();
  await deps.uow.transaction(async (tx) => {
    await tx.escrow.retire(record.id, { reason: 'compromised', at });
    const certificate = await tx.certificates.findBySerial(record.certificateSerial);
    const revoke = certificate?.status === 'valid';
    if (revoke) await revokeRecord(tx, certificate, 'keyCompromise', at);
    // A compromised certificate leaves the directory (the reconciliation removes what is no longer current and valid).
    if (record.status === 'current' || revoke) await requestDirectoryReconciliation(tx, record.subscriberId, at, 'compromised');
    await recordAuditEvent(tx.audit, deps.clock, principal.actor, {
      action: 'escrow.compromised', target: record.certificateSerial, details: { escrowId: record.id, wasCurrent: record.status === 'current', revoked: revoke },
    });
  });
}
