/**
 * What the revocation use cases share: their repositories, the clock, the profile catalogue (for the
 * certificateHold rule), and the hooks through which other modules take part in a revocation.
 */
import type { Clock } from '../../lib/clock.js';
import type { Principal } from '../access/index.js';
import type { AuditRepository } from '../audit/index.js';
import type { ChallengeRepository } from '../enrollment/index.js';
import type { CertificateRepository } from '../inventory/index.js';
import type { ProfileCatalog } from '../policy/index.js';
import type { DeviceRepository, SubscriberRepository } from '../subscribers/index.js';
import type { UnitOfWork } from '../unit-of-work.js';
import type { RevocationRepository } from './ports.js';

export interface RevocationRepos {
  certificates: CertificateRepository;
  revocations: RevocationRepository;
  subscribers: SubscriberRepository;
  devices: DeviceRepository;
  challenges: ChallengeRepository;
  audit: AuditRepository;
}

/**
 * Seams to modules built beside this one; each defaults to doing nothing. The transaction hooks run
 * inside the lifecycle action's transaction (`tx` is the store's whole repository set at run time, so
 * the composition root may hand it to another module's use case); `inviteReplacement` runs after the
 * commit, and its failure is reported, not rolled back.
 */
export interface RevocationHooks {
  /** Invalidates open enrollment links of a person, or of one of their devices (device delivery). */
  enrollmentLinks?: (tx: RevocationRepos, target: { subscriberId: string; deviceId?: string }, at: Date) => Promise<void>;
  /** Asks the directory to unpublish or reconcile a person's certificates (directory publication). */
  directory?: (tx: RevocationRepos, subscriberId: string, at: Date) => Promise<void>;
  /** Invites the person to enroll a replacement device (device delivery), after a lost device. */
  inviteReplacement?: (principal: Principal, input: { subscriberId: string; lostDeviceId: string }) => Promise<void>;
  /** Told after every committed revocation in this process (schedules an early CRL refresh). */
  revoked?: () => void;
}

export interface RevocationDeps {
  uow: UnitOfWork<RevocationRepos>;
  clock: Clock;
  profiles: ProfileCatalog;
  hooks: RevocationHooks;
}
