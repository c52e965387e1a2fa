/**
 * Decides what one directory entry means for mcms, without writing anything (a dry run shows exactly
 * this): add the person, update their name or mailboxes, leave them as they are, or skip the entry with
 * a reason (a mailbox that belongs to somebody else, or to another entry of this sync). An entry is
 * matched to its person by DN first, then by primary mailbox (a renamed entry keeps its person).
 */
import { randomUUID } from 'node:crypto';
import type { Subscriber } from '../subscribers/index.js';
import type { DirectoryDeps } from './directory-deps.js';
import type { DirectoryLink, DirectoryPerson } from './model.js';

export type EntryPlan =
  | { kind: 'skip'; reason: string }
  | { kind: 'add'; subscriber: Subscriber; link: DirectoryLink; leaver: boolean }
  | {
    kind: 'update' | 'unchanged'; subscriber: Subscriber; next: Subscriber; link: DirectoryLink; linkChanged: boolean; leaver: boolean;
    /** The person's entry is new to mcms, or moved (renamed, recreated): what is published must follow. */
    entryMoved: boolean;
  };

/** What this sync has seen so far: one entry per person and per mailbox. */
export interface SyncState {
  startedAt: Date;
  claimedMailboxes: Map<string, string>;
  seenSubscribers: Map<string, string>;
}

const sameMailboxes = (a: Subscriber['mailboxes'], b: Subscriber['mailboxes']) =>
  a.length === b.length && a.every((m, i) => m.address === b[i]!.address && m.primary === b[i]!.primary);

export async function planEntry(deps: Pick<DirectoryDeps, 'uow'>, person: DirectoryPerson, state: SyncState): Promise<EntryPlan> {
  const { subscribers, directoryLinks } = deps.uow.read;
  const link = await directoryLinks.findByDn(person.dn);
  let subscriber = link ? await subscribers.findById(link.subscriberId) : null;
  subscriber ??= await subscribers.findByMailbox(person.mailboxes[0]!);
  if (subscriber) {
    const otherEntry = state.seenSubscribers.get(subscriber.id);
    if (otherEntry && otherEntry !== person.dn) return { kind: 'skip', reason: `mailbox ${person.mailboxes[0]} belongs to the person of ${otherEntry}` };
  }
  for (const address of person.mailboxes) {
    const claimedBy = state.claimedMailboxes.get(address);
    if (claimedBy && claimedBy !== person.dn) return { kind: 'skip', reason: `mailbox ${address} is also on ${claimedBy}` };
    const owner = await subscribers.findByMailbox(address);
    if (owner && owner.id !== subscriber?.id) return { kind: 'skip', reason: `mailbox ${address} belongs to another person` };
  }
  const mailboxes = person.mailboxes.map((address, i) => ({ address, primary: i === 0 }));
  const previous = subscriber ? await directoryLinks.findBySubscriber(subscriber.id) : null;
  const becameLeaver = person.disabled && (subscriber?.status ?? 'active') === 'active' && previous?.leaverReason == null;
  // A leaver stays one while disabled in the directory, or once handled (mcms disabled them): an entry
  // that comes back does not re-enable anybody by itself; a pending leaver who is back is no longer one.
  const stillLeaver = previous?.leaverReason != null && (person.disabled || subscriber?.status === 'disabled');
  const nextLink: DirectoryLink = {
    subscriberId: subscriber?.id ?? randomUUID(), entryDn: person.dn, loginName: person.loginName, department: person.department,
    disabled: person.disabled, lastSeenAt: state.startedAt,
    leaverReason: becameLeaver ? 'disabled' : stillLeaver ? previous!.leaverReason : null,
    leaverSince: becameLeaver ? state.startedAt : stillLeaver ? previous!.leaverSince : null,
  };
  if (!subscriber) {
    if (person.disabled) return { kind: 'skip', reason: 'disabled in the directory (not added)' };
    return {
      kind: 'add', leaver: false, link: nextLink,
      subscriber: { id: nextLink.subscriberId, displayName: person.displayName, status: 'active', mailboxes, createdAt: state.startedAt },
    };
  }
  const next: Subscriber = { ...subscriber, displayName: person.displayName ?? subscriber.displayName, mailboxes };
  const changed = next.displayName !== subscriber.displayName || !sameMailboxes(next.mailboxes, subscriber.mailboxes);
  const linkChanged = !previous || previous.entryDn !== nextLink.entryDn || previous.loginName !== nextLink.loginName
    || previous.department !== nextLink.department || previous.disabled !== nextLink.disabled || previous.leaverReason !== nextLink.leaverReason;
  const entryMoved = previous === null || previous.entryDn !== nextLink.entryDn;
  return { kind: changed ? 'update' : 'unchanged', subscriber, next, link: nextLink, linkChanged, leaver: becameLeaver, entryMoved };
}
