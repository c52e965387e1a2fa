/**
 * Directory publication (smime-mobile-notes §8): what mcms puts on a person's directory entry so that
 * senders can encrypt to them, and the outbox of intents that gets it there.
 */

/** "Make this person's entry match their current publishable certificates", written with the change that caused it. */
export interface PublicationIntent {
  id: string;
  subscriberId: string;
  /** What caused it: issued, revoked, expired, synced, … (for the audit trail and the operator). */
  reason: string;
  status: 'pending' | 'delivered';
  attempts: number;
  nextAttemptAt: Date;
  createdAt: Date;
  deliveredAt: Date | null;
  lastError: string | null;
}

/**
 * A value mcms wrote to a directory entry. mcms removes only values it finds here, so values that
 * somebody else put on the entry are never touched.
 */
export interface PublishedValue {
  subscriberId: string;
  entryDn: string;
  attribute: string;
  /** SHA-256 of the value, lower-case hex. */
  valueHash: string;
  value: Buffer;
  certificateSerial: string;
  /** The certificate's notAfter: past it, the value is removed. */
  notAfter: Date;
  publishedAt: Date;
}

/** One drain of the outbox, as the job and `mcms directory publish` report it. */
export interface PublicationDrain {
  /** Intents closed (their people's entries now match). */
  delivered: number;
  /** Intents that failed this time and wait for their next attempt. */
  failed: number;
  /** People whose entry was not found in the directory (nothing to publish to). */
  noEntry: number;
  valuesAdded: number;
  valuesRemoved: number;
  /** Intents still waiting after this drain. */
  pending: number;
  /** Set when the directory could not be reached; the rest waits for the next drain. */
  unavailable: string | null;
}
