/**
 * What the escrow use cases share: their repositories, key custody, the key source, the RA's issuance
 * step and the settings; and the escrow (KRA) key, created in custody on first use.
 */
import type { Clock } from '../../lib/clock.js';
import type { ApprovalRepository } from '../access/index.js';
import type { Actor, AuditRepository } from '../audit/index.js';
import { recordAuditEvent } from '../audit/index.js';
import type { KeyStore, SigningKey } from '../ca/index.js';
import type { CertifyDeps } from '../enrollment/index.js';
import type { CertificateRepository } from '../inventory/index.js';
import type { ProfileCatalog } from '../policy/index.js';
import type { PublicationOutboxRepository } from '../publication/index.js';
import type { RevocationRepository } from '../revocation/index.js';
import type { SubscriberRepository } from '../subscribers/index.js';
import type { UnitOfWork } from '../unit-of-work.js';
import type { EncryptionKeyAlgorithm } from './model.js';
import type { EncryptionKeySource, EscrowRepository, KraKeyRepository } from './ports.js';

export type Pkcs12Variant = 'legacy' | 'modern';

export interface EscrowSettings {
  keyAlgorithm: EncryptionKeyAlgorithm;
  recoveryApprovals: number;
  recoveryTtlMs: number;
  pkcs12Variant: Pkcs12Variant;
}

export interface EscrowDeps extends CertifyDeps {
  uow: UnitOfWork<{
    subscribers: SubscriberRepository; certificates: CertificateRepository; audit: AuditRepository;
    escrow: EscrowRepository; kraKeys: KraKeyRepository; approvals: ApprovalRepository;
    publicationOutbox: PublicationOutboxRepository;
    revocations: RevocationRepository;
  }>;
  keys: KeyStore;
  keySource: EncryptionKeySource;
  profiles: ProfileCatalog;
  clock: Clock;
  settings: EscrowSettings;
}

/** The KRA key algorithm: RSA-3072 (128-bit strength, as the AES-256 data keys deserve at least). */
export const KRA_ALGORITHM = 'rsa-3072';

/** The active KRA key, generated and recorded if there is none yet. */
export async function activeKraKey(deps: Pick<EscrowDeps, 'uow' | 'keys' | 'clock'>, actor: Actor): Promise<SigningKey> {
  const active = await deps.uow.read.kraKeys.active();
  if (active) return deps.keys.get(active.keyId);
  const now = deps.clock.now();
  const key = await deps.keys.generate({ algorithm: KRA_ALGORITHM, label: `escrow KRA ${now.toISOString()}` });
  const winner = await deps.uow.transaction(async (tx) => {
    const raced = await tx.kraKeys.active();
    if (raced) return raced.keyId;
    await tx.kraKeys.insert({ keyId: key.id, status: 'active', createdAt: now });
    await recordAuditEvent(tx.audit, deps.clock, actor, { action: 'escrow.kra-create', target: key.id, details: { algorithm: KRA_ALGORITHM } });
    return key.id;
  });
  return winner === key.id ? key : deps.keys.get(winner);
}
