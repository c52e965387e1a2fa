/**
 * One-time SCEP challenges. A challenge binds a person, optionally one of their devices, and one
 * certificate profile; it expires, is used once, and locks after repeated wrong secrets. Only a hash of
 * the secret is stored. The string a device presents is `<id>.<secret>`: the id finds the record
 * without searching by secret, the secret is compared in constant time.
 */

export type ChallengeStatus = 'open' | 'used' | 'locked' | 'revoked';

export interface Challenge {
  id: string;
  subscriberId: string;
  deviceId: string | null;
  profile: string;
  /** SHA-256 of the secret, hex. */
  secretHash: string;
  status: ChallengeStatus;
  failedAttempts: number;
  createdBy: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
}

/** Wrong secrets a challenge takes before it locks. */
export const CHALLENGE_MAX_FAILURES = 5;
