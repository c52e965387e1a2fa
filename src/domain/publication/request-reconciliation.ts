/**
 * The one way to ask for a directory update: an intent in the outbox, written inside the caller's
 * transaction (issuance, re-key, revocation, leaver, sync), so it commits with the change or not at
 * all, and a directory outage never blocks or loses it. The drain (drain-outbox.ts) does the work.
 */
import { randomUUID } from 'node:crypto';
import type { PublicationOutboxRepository } from './ports.js';

export async function requestDirectoryReconciliation(
  tx: { publicationOutbox: PublicationOutboxRepository },
  subscriberId: string,
  at: Date,
  reason = 'changed',
): Promise<void> {
  await tx.publicationOutbox.insert({
    id: randomUUID(), subscriberId, reason, status: 'pending', attempts: 0, nextAttemptAt: at, createdAt: at, deliveredAt: null, lastError: null,
  });
}
