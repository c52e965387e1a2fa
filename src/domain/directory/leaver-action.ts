/**
 * The leaver action until revocation provides the full one (revoke every certificate, then disable):
 * the person is disabled, audited, and their published certificates are taken out of the directory
 * (a reconciliation intent: a disabled person has nothing publishable). Escrowed keys stay.
 */
import type { Principal } from '../access/index.js';
import { recordAuditEvent } from '../audit/index.js';
import { requestDirectoryReconciliation } from '../publication/index.js';
import type { Subscriber } from '../subscribers/index.js';
import { primaryMailbox } from '../subscribers/index.js';
import type { DirectoryDeps } from './directory-deps.js';

export async function disableLeaver(deps: Pick<DirectoryDeps, 'uow' | 'clock'>, principal: Principal, subscriber: Subscriber, reason: string): Promise<void> {
  const now = deps.clock.now();
  await deps.uow.transaction(async (tx) => {
    await tx.subscribers.updateStatus(subscriber.id, 'disabled');
    await requestDirectoryReconciliation(tx, subscriber.id, now, 'leaver');
    await recordAuditEvent(tx.audit, deps.clock, principal.actor, {
      action: 'subscriber.leave', target: primaryMailbox(subscriber), details: { id: subscriber.id, reason, via: 'directory' },
    });
  });
}
