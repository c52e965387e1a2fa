import type { CertificationRequest } from '../../lib/pki/index.js';
import type { Challenge } from './challenge-model.js';
import type { ScepTransaction, ScepTransactionStatus } from './scep-model.js';

export interface ChallengeRepository {
  insert(challenge: Challenge): Promise<void>;
  findById(id: string): Promise<Challenge | null>;
  /** Counts a wrong secret; locks the challenge when the count reaches `lockAt`. Returns the count. */
  recordFailure(id: string, lockAt: number): Promise<number>;
  /** Marks an open challenge used; false if it was not open (used, locked, revoked) — race-safe. */
  consume(id: string, at: Date): Promise<boolean>;
  /** Revokes the open challenges of a person, or of one device; returns how many. */
  revokeOpen(filter: { subscriberId?: string; deviceId?: string }): Promise<number>;
  /** A person's challenges, newest first. */
  listBySubscriber(subscriberId: string): Promise<Challenge[]>;
}

export interface ScepTransactionRepository {
  /** Throws DomainError('scep.transaction-exists') if (transactionId, requesterKeyHash) exists. */
  insert(transaction: ScepTransaction): Promise<void>;
  find(transactionId: string, requesterKeyHash: string): Promise<ScepTransaction | null>;
  findByApproval(approvalId: string): Promise<ScepTransaction | null>;
  update(
    transactionId: string,
    requesterKeyHash: string,
    changes: { status: ScepTransactionStatus; certificateSerial?: string | null; updatedAt: Date },
  ): Promise<void>;
}

/** What a device presented, for a challenge validator to judge. */
export interface ChallengeQuestion {
  challenge: string;
  profile: string;
  transactionId: string;
  csr: CertificationRequest;
}

/** Whom a valid challenge enrolls; `challengeId` is consumed by the issuance when set. */
export interface ChallengeGrant {
  /** The person, by id or mailbox. */
  subscriber: string;
  deviceId: string | null;
  challengeId: string | null;
  /** For a RenewalReq: the serial of the certificate that signed it. */
  renewalOf?: string;
}

/**
 * Decides whether a SCEP challenge lets a request through, and for whom. Refusals are DomainErrors with
 * a `challenge.*` code. Built in: one-time (default), static per profile (labs), webhook (an adapter).
 */
export interface ChallengeValidator {
  readonly name: string;
  grant(question: ChallengeQuestion): Promise<ChallengeGrant>;
}
