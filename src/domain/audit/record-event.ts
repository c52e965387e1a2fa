/**
 * Appends one audit record inside the caller's transaction, so that the action and its record commit
 * together or not at all.
 */
import type { Clock } from '../../lib/clock.js';
import { hashRecord } from './chain.js';
import type { Actor, AuditEntry, AuditRecord } from './model.js';
import { describeActor } from './model.js';
import type { AuditRepository } from './ports.js';

export async function recordAuditEvent(
  audit: AuditRepository,
  clock: Clock,
  actor: Actor,
  entry: AuditEntry,
): Promise<AuditRecord> {
  const head = await audit.lockHead();
  const unsigned = {
    seq: head.seq + 1,
    at: clock.now(),
    actor: describeActor(actor),
    action: entry.action,
    target: entry.target ?? null,
    details: entry.details ?? {},
    prevHash: head.hash,
  };
  const record: AuditRecord = { ...unsigned, hash: hashRecord(unsigned) };
  await audit.append(record);
  return record;
}
