/**
 * `mcms directory leavers [confirm EMAIL…]`: people the sync found disabled in, or gone from, the
 * directory; an operator confirms them one by one (`ldap.leavers` confirm), which runs the leaver action.
 */
import type { Principal } from '../access/index.js';
import { requirePermission } from '../access/index.js';
import { DomainError } from '../errors.js';
import type { Subscriber } from '../subscribers/index.js';
import { findSubscriber, primaryMailbox } from '../subscribers/index.js';
import type { DirectoryDeps } from './directory-deps.js';
import type { DirectoryErrorCode } from './errors.js';
import type { DirectoryLink, Leaver } from './model.js';

export function leaverView(link: DirectoryLink, subscriber: Subscriber, handled: boolean): Leaver {
  return {
    subscriberId: subscriber.id, email: primaryMailbox(subscriber), entryDn: link.entryDn,
    reason: link.leaverReason ?? 'vanished', since: link.leaverSince ?? link.lastSeenAt, handled,
  };
}

export async function listLeavers(deps: Pick<DirectoryDeps, 'uow'>, principal: Principal): Promise<Leaver[]> {
  requirePermission(principal, 'subscribers.read');
  const leavers: Leaver[] = [];
  for (const link of await deps.uow.read.directoryLinks.listLeavers()) {
    const subscriber = await deps.uow.read.subscribers.findById(link.subscriberId);
    if (subscriber) leavers.push(leaverView(link, subscriber, subscriber.status !== 'active'));
  }
  return leavers;
}

export async function confirmLeavers(deps: DirectoryDeps, principal: Principal, emails: readonly string[]): Promise<Leaver[]> {
  requirePermission(principal, 'subscribers.write');
  const confirmed: Leaver[] = [];
  for (const email of emails) {
    const subscriber = await findSubscriber(deps.uow.read.subscribers, email);
    const link = await deps.uow.read.directoryLinks.findBySubscriber(subscriber.id);
    if (!link?.leaverReason) throw new DomainError<DirectoryErrorCode>('directory.not-a-leaver', `${email} is not a leaver in the directory`);
    if (subscriber.status === 'active') await deps.leave(principal, subscriber, `${link.leaverReason} in the directory, confirmed`);
    confirmed.push(leaverView(link, subscriber, true));
  }
  return confirmed;
}
