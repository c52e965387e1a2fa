/** What the delivery use cases share: repositories, escrow and challenge use cases, the profile signer, mail. */
import type { Clock } from '../../lib/clock.js';
import type { Principal } from '../access/index.js';
import type { AuditRepository } from '../audit/index.js';
import type { IdentityRepository, KeyStore } from '../ca/index.js';
import type { ChallengeDeps } from '../enrollment/index.js';
import type { EscrowDeps } from '../escrow/index.js';
import type { CertificateRepository } from '../inventory/index.js';
import type { ProfileSigner } from '../mobileconfig/index.js';
import type { Mailer } from '../outbound-mail.js';
import type { SubjectSettings } from '../policy/index.js';
import type { DeviceRepository, SubscriberRepository } from '../subscribers/index.js';
import type { UnitOfWork } from '../unit-of-work.js';
import { DomainError } from '../errors.js';
import type { DeliveryErrorCode } from './errors.js';
import type { DeliverySettings } from './model.js';
import type { EnrollmentLinkRepository, OtaSessionRepository } from './ports.js';

export interface DeliveryDeps {
  uow: UnitOfWork<{
    subscribers: SubscriberRepository; devices: DeviceRepository; certificates: CertificateRepository;
    audit: AuditRepository; enrollmentLinks: EnrollmentLinkRepository; otaSessions: OtaSessionRepository;
  }>;
  identities: IdentityRepository;
  keys: KeyStore;
  /** Escrow's dependencies, for the person's encryption identities (generated when there is none). */
  escrow: () => Promise<EscrowDeps>;
  challenges: ChallengeDeps;
  subject: SubjectSettings;
  clock: Clock;
  mailer: Mailer;
  settings: DeliverySettings;
  /** Who acts when a person uses their link (a system actor with the officer's permissions). */
  linkPrincipal: Principal;
}

/** The profile-signing identity with its chain (issuing CA, root), loaded from the CA hierarchy. */
export async function loadProfileSigner(deps: Pick<DeliveryDeps, 'identities' | 'keys'>): Promise<ProfileSigner & { root: Buffer; issuing: Buffer }> {
  const signer = await deps.identities.findActive('profile-signer');
  const issuing = await deps.identities.findActive('issuing-ca');
  const root = await deps.identities.findActive('root-ca');
  if (!signer || !issuing || !root) {
    throw new DomainError<DeliveryErrorCode>('delivery.no-profile-signer', 'no profile-signing certificate: run `mcms init` first');
  }
  return { certificate: signer.certificate, chain: [issuing.certificate, root.certificate], key: await deps.keys.get(signer.keyId), root: root.certificate, issuing: issuing.certificate };
}
