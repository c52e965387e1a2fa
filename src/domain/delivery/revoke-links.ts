/**
 * Closing a person's (or one device's) open enrollment links and over-the-air sessions, inside the
 * caller's transaction: a lost device or a leaver must not be able to fetch a profile afterwards.
 * Issue 6's lost-device and leaver use cases call `revokeEnrollmentLinks`; operators call `revokeLinks`.
 */
import type { Clock } from '../../lib/clock.js';
import type { Principal } from '../access/index.js';
import { requirePermission } from '../access/index.js';
import type { Actor, AuditRepository } from '../audit/index.js';
import { recordAuditEvent } from '../audit/index.js';
import { findSubscriber, primaryMailbox } from '../subscribers/index.js';
import type { DeliveryDeps } from './delivery-deps.js';
import type { EnrollmentLinkRepository, OtaSessionRepository } from './ports.js';

export interface LinkRevocation {
  links: string[];
  otaSessions: number;
}

/** Revokes within `tx` (no audit of its own: the caller's audit record covers it). */
export async function revokeEnrollmentLinks(
  tx: { enrollmentLinks: EnrollmentLinkRepository; otaSessions: OtaSessionRepository },
  filter: { subscriberId: string; deviceId?: string | undefined },
): Promise<LinkRevocation> {
  const links = await tx.enrollmentLinks.revokeOpen(filter);
  const otaSessions = await tx.otaSessions.revokeOpen(filter);
  return { links, otaSessions };
}

export async function revokeLinks(
  deps: Pick<DeliveryDeps, 'uow'> & { clock: Clock },
  principal: Principal,
  input: { subscriber: string; deviceId?: string | undefined },
): Promise<LinkRevocation> {
  requirePermission(principal, 'certificates.issue');
  const subscriber = await findSubscriber(deps.uow.read.subscribers, input.subscriber);
  return deps.uow.transaction(async (tx) => {
    const revoked = await revokeEnrollmentLinks(tx, { subscriberId: subscriber.id, deviceId: input.deviceId });
    await auditRevocation(tx.audit, deps.clock, principal.actor, primaryMailbox(subscriber), input.deviceId, revoked);
    return revoked;
  });
}

function auditRevocation(audit: AuditRepository, clock: Clock, actor: Actor, mailbox: string, deviceId: string | undefined, revoked: LinkRevocation) {
  return recordAuditEvent(audit, clock, actor, {
    action: 'delivery.links-revoke', target: mailbox, details: { device: deviceId ?? null, links: revoked.links, otaSessions: revoked.otaSessions },
  });
}
