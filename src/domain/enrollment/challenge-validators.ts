/**
 * The built-in challenge validators. One-time challenges are the default and the only kind that binds a
 * request to a person before it arrives. A static challenge per profile exists for labs and migrations
 * from NDES-style set-ups: anyone who knows it can enroll for any mailbox that exists, so start-up logs
 * a warning when it is configured.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../lib/clock.js';
import { DomainError } from '../errors.js';
import type { SubscriberRepository } from '../subscribers/index.js';
import type { UnitOfWork } from '../unit-of-work.js';
import { checkOneTimeChallenge } from './challenges.js';
import type { EnrollmentErrorCode } from './errors.js';
import type { ChallengeGrant, ChallengeQuestion, ChallengeRepository, ChallengeValidator } from './ports.js';

export class OneTimeChallengeValidator implements ChallengeValidator {
  readonly name = 'one-time';
  constructor(private readonly deps: { uow: UnitOfWork<{ challenges: ChallengeRepository }>; clock: Clock }) {}

  async grant(question: ChallengeQuestion): Promise<ChallengeGrant> {
    const challenge = await checkOneTimeChallenge(this.deps, question.challenge, question.profile);
    return { subscriber: challenge.subscriberId, deviceId: challenge.deviceId, challengeId: challenge.id };
  }
}

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

export class StaticChallengeValidator implements ChallengeValidator {
  readonly name = 'static';
  private readonly secrets: Map<string, Buffer>;

  constructor(secrets: Record<string, string | undefined>, private readonly subscribers: SubscriberRepository) {
    this.secrets = new Map(Object.entries(secrets).filter((e): e is [string, string] => !!e[1]).map(([p, s]) => [p, digest(s)]));
  }

  async grant(question: ChallengeQuestion): Promise<ChallengeGrant> {
    const expected = this.secrets.get(question.profile);
    if (!expected || !timingSafeEqual(digest(question.challenge), expected)) {
      throw new DomainError<EnrollmentErrorCode>('challenge.invalid', 'the challenge is not valid');
    }
    // Without a binding, the person is whoever the request names by a mailbox mcms knows.
    for (const email of question.csr.requestedEmails) {
      const subscriber = await this.subscribers.findByMailbox(email.toLowerCase());
      if (subscriber) return { subscriber: subscriber.id, deviceId: null, challengeId: null };
    }
    throw new DomainError<EnrollmentErrorCode>('challenge.invalid', 'a static challenge needs a request naming a known mailbox');
  }
}
