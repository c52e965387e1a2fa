/**
 * Revoking one certificate by serial (RFC 5280 §5.3.1 reasons, S/MIME BR §4.9 and §7.2.2): the
 * inventory row and the revocation log change together with the audit record, in one transaction.
 * An unknown serial or one revoked already is refused and nothing changes.
 */
import type { Principal } from '../access/index.js';
import { requirePermission } from '../access/index.js';
import { recordAuditEvent } from '../audit/index.js';
import { DomainError } from '../errors.js';
import type { CertificateRecord } from '../inventory/index.js';
import { normaliseSerial } from '../inventory/index.js';
import type { ProfileCatalog } from '../policy/index.js';
import type { RevocationErrorCode } from './errors.js';
import type { RevocationReason } from './model.js';
import { isRevocationReason } from './model.js';
import type { RevocationDeps, RevocationRepos } from './revocation-deps.js';

const fail = (code: RevocationErrorCode, message: string) => new DomainError(code, message);

export function parseRevocationReason(input: string | undefined): RevocationReason {
  const reason = input ?? 'unspecified';
  if (!isRevocationReason(reason)) throw fail('revocation.invalid-reason', `"${reason.slice(0, 40)}" is not an RFC 5280 revocation reason`);
  return reason;
}

/** certificateHold suspends, which the S/MIME BR allows for Legacy and Multipurpose certificates only. */
function checkReasonAllowed(profiles: ProfileCatalog, record: CertificateRecord, reason: RevocationReason): void {
  if (reason !== 'certificateHold') return;
  const generation = profiles.all().find((p) => p.id === record.profile)?.generation;
  if (generation === undefined || generation === 'strict') {
    throw fail('revocation.reason-not-allowed', `certificateHold is not allowed for ${record.profile} certificates (S/MIME BR §7.2.2)`);
  }
}

/** Revokes a valid certificate inside the caller's transaction; refuses one that is revoked already. */
export async function revokeRecord(tx: Pick<RevocationRepos, 'revocations'>, record: CertificateRecord, reason: RevocationReason, at: Date): Promise<void> {
  const revoked = await tx.revocations.revoke({ serial: record.serial, issuerId: record.issuerId, revokedAt: at, reason, notAfter: record.notAfter });
  if (!revoked) throw fail('revocation.already-revoked', `certificate ${record.serial} is revoked already`);
}

export async function revokeCertificate(
  deps: RevocationDeps,
  principal: Principal,
  input: { serial: string; reason?: string | undefined },
): Promise<CertificateRecord> {
  requirePermission(principal, 'certificates.revoke');
  const serial = normaliseSerial(input.serial);
  const reason = parseRevocationReason(input.reason);
  const at = deps.clock.now();
  const record = await deps.uow.transaction(async (tx) => {
    const found = await tx.certificates.findBySerial(serial);
    if (!found) throw new DomainError('certificate.not-found', `no certificate with serial ${input.serial}`);
    if (found.status === 'revoked') throw fail('revocation.already-revoked', `certificate ${serial} is revoked already`);
    checkReasonAllowed(deps.profiles, found, reason);
    await revokeRecord(tx, found, reason, at);
    if (found.subscriberId) await deps.hooks.directory?.(tx, found.subscriberId, at);
    await recordAuditEvent(tx.audit, deps.clock, principal.actor, {
      action: 'certificate.revoke', target: serial, details: { reason, issuer: found.issuerId, profile: found.profile },
    });
    return { ...found, status: 'revoked' as const, revokedAt: at, revocationReason: reason };
  });
  deps.hooks.revoked?.();
  return record;
}
