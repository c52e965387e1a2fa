/**
 * One-time challenges: created by an operator (or by the invitation flow), presented by a device as
 * its SCEP challengePassword, consumed by the issuance they allow. The secret has 160 bits from the
 * CSPRNG and is stored only as its SHA-256.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../lib/clock.js';
import type { Principal } from '../access/index.js';
import { requirePermission } from '../access/index.js';
import type { AuditRepository } from '../audit/index.js';
import { describeActor, recordAuditEvent } from '../audit/index.js';
import { DomainError } from '../errors.js';
import type { ProfileCatalog } from '../policy/index.js';
import type { DeviceRepository, SubscriberRepository } from '../subscribers/index.js';
import { findSubscriber, findSubscriberDevice, primaryMailbox } from '../subscribers/index.js';
import type { UnitOfWork } from '../unit-of-work.js';
import type { Challenge } from './challenge-model.js';
import { CHALLENGE_MAX_FAILURES } from './challenge-model.js';
import type { EnrollmentErrorCode } from './errors.js';
import type { ChallengeRepository } from './ports.js';
import { base32 } from '../../lib/base32.js';

export interface ChallengeDeps {
  uow: UnitOfWork<{ challenges: ChallengeRepository; subscribers: SubscriberRepository; devices: DeviceRepository; audit: AuditRepository }>;
  profiles: ProfileCatalog;
  clock: Clock;
  /** Longest lifetime an operator may give a challenge. */
  maxTtlMs: number;
}

const fail = (code: EnrollmentErrorCode, message: string) => new DomainError(code, message);
const hashSecret = (secret: string) => createHash('sha256').update(secret, 'utf8').digest();
const ID = /^[a-z2-7]{16}$/;

export async function createChallenge(
  deps: ChallengeDeps,
  principal: Principal,
  input: { subscriber: string; deviceId?: string | undefined; profile: string; ttlMs: number },
): Promise<{ challenge: Challenge; secret: string }> {
  requirePermission(principal, 'certificates.issue');
  const profile = deps.profiles.get(input.profile);
  if (!(input.ttlMs >= 60_000 && input.ttlMs <= deps.maxTtlMs)) {
    throw fail('challenge.invalid-ttl', `a challenge lives between 1 minute and ${Math.round(deps.maxTtlMs / 3_600_000)} hours`);
  }
  const id = base32(randomBytes(10));
  const secret = `${id}.${base32(randomBytes(20))}`;
  return deps.uow.transaction(async (tx) => {
    const subscriber = await findSubscriber(tx.subscribers, input.subscriber);
    if (subscriber.status !== 'active') throw new DomainError('subscriber.disabled', `subscriber ${primaryMailbox(subscriber)} is disabled`);
    const device = input.deviceId ? await findSubscriberDevice(tx.devices, subscriber, input.deviceId) : null;
    if (device && device.status !== 'active') throw new DomainError('device.inactive', `device ${device.id} is ${device.status}`);
    const now = deps.clock.now();
    const challenge: Challenge = {
      id, subscriberId: subscriber.id, deviceId: device?.id ?? null, profile: profile.id,
      secretHash: hashSecret(secret).toString('hex'), status: 'open', failedAttempts: 0,
      createdBy: describeActor(principal.actor), createdAt: now, expiresAt: new Date(now.getTime() + input.ttlMs), usedAt: null,
    };
    await tx.challenges.insert(challenge);
    await recordAuditEvent(tx.audit, deps.clock, principal.actor, {
      action: 'challenge.create', target: id,
      details: { subscriber: primaryMailbox(subscriber), device: challenge.deviceId, profile: profile.id, expiresAt: challenge.expiresAt.toISOString() },
    });
    return { challenge, secret };
  });
}

/**
 * Checks a presented one-time challenge for a profile without consuming it. A wrong secret counts
 * against the challenge (and locks it at the limit) in its own transaction, so the count survives the
 * refusal.
 */
export async function checkOneTimeChallenge(
  deps: { uow: UnitOfWork<{ challenges: ChallengeRepository }>; clock: Clock },
  presented: string,
  profile: string,
): Promise<Challenge> {
  const id = presented.slice(0, presented.indexOf('.'));
  const challenge = ID.test(id) ? await deps.uow.read.challenges.findById(id) : null;
  if (!challenge) throw fail('challenge.invalid', 'the challenge is not valid');
  const expected = Buffer.from(challenge.secretHash, 'hex');
  if (!timingSafeEqual(hashSecret(presented), expected)) {
    await deps.uow.transaction((tx) => tx.challenges.recordFailure(challenge.id, CHALLENGE_MAX_FAILURES));
    throw fail('challenge.invalid', 'the challenge is not valid');
  }
  if (challenge.status === 'locked') throw fail('challenge.locked', 'the challenge is locked after repeated wrong attempts');
  if (challenge.status !== 'open') throw fail('challenge.used', `the challenge was ${challenge.status === 'used' ? 'used already' : 'revoked'}`);
  if (deps.clock.now().getTime() >= challenge.expiresAt.getTime()) throw fail('challenge.expired', 'the challenge has expired');
  if (challenge.profile !== profile) throw fail('challenge.wrong-profile', `the challenge is for ${challenge.profile}, not ${profile}`);
  return challenge;
}

export async function listChallenges(
  deps: Pick<ChallengeDeps, 'uow'>,
  principal: Principal,
  subscriberKey: string,
): Promise<Challenge[]> {
  requirePermission(principal, 'subscribers.read');
  const subscriber = await findSubscriber(deps.uow.read.subscribers, subscriberKey);
  return deps.uow.read.challenges.listBySubscriber(subscriber.id);
}
