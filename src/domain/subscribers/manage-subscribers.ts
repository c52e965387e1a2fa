/** Subscriber use cases: add a person with their mailboxes, look them up, list, disable. */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../lib/clock.js';
import type { Principal } from '../access/index.js';
import { requirePermission } from '../access/index.js';
import type { AuditRepository } from '../audit/index.js';
import { recordAuditEvent } from '../audit/index.js';
import { DomainError } from '../errors.js';
import type { Page, PageRequest, UnitOfWork } from '../unit-of-work.js';
import type { SubscriberErrorCode } from './errors.js';
import { normaliseMailbox } from './mailbox-address.js';
import type { Subscriber } from './model.js';
import type { SubscriberRepository } from './ports.js';

export interface SubscriberDeps {
  uow: UnitOfWork<{ subscribers: SubscriberRepository; audit: AuditRepository }>;
  clock: Clock;
}

export interface NewSubscriber {
  email: string;
  name?: string | undefined;
  extraMailboxes?: string[] | undefined;
}

const fail = (code: SubscriberErrorCode, message: string) => new DomainError(code, message);

export async function addSubscriber(deps: SubscriberDeps, principal: Principal, input: NewSubscriber): Promise<Subscriber> {
  requirePermission(principal, 'subscribers.write');
  const primary = normaliseMailbox(input.email);
  const extras = [...new Set((input.extraMailboxes ?? []).map(normaliseMailbox))].filter((a) => a !== primary);
  const name = input.name?.trim() || null;
  // The name may become a certificate's commonName (RFC 5280 ub-common-name: 64).
  if (name && name.length > 64) throw fail('subscriber.invalid-name', 'name is longer than 64 characters');
  const subscriber: Subscriber = {
    id: randomUUID(),
    displayName: name,
    status: 'active',
    mailboxes: [{ address: primary, primary: true }, ...extras.map((address) => ({ address, primary: false }))],
    createdAt: deps.clock.now(),
  };
  await deps.uow.transaction(async (tx) => {
    for (const mailbox of subscriber.mailboxes) {
      if (await tx.subscribers.findByMailbox(mailbox.address)) {
        throw fail('mailbox.taken', `mailbox ${mailbox.address} belongs to another subscriber`);
      }
    }
    await tx.subscribers.insert(subscriber);
    await recordAuditEvent(tx.audit, deps.clock, principal.actor, {
      action: 'subscriber.add', target: primary, details: { id: subscriber.id, mailboxes: subscriber.mailboxes.map((m) => m.address) },
    });
  });
  return subscriber;
}

/** Finds a person by any of their mailboxes, or by id. */
export async function findSubscriber(repo: SubscriberRepository, key: string): Promise<Subscriber> {
  const found = key.includes('@') ? await repo.findByMailbox(normaliseMailbox(key)) : await repo.findById(key);
  if (!found) throw fail('subscriber.not-found', `no subscriber ${key}`);
  return found;
}

export async function showSubscriber(deps: Pick<SubscriberDeps, 'uow'>, principal: Principal, key: string): Promise<Subscriber> {
  requirePermission(principal, 'subscribers.read');
  return findSubscriber(deps.uow.read.subscribers, key);
}

export async function listSubscribers(
  deps: Pick<SubscriberDeps, 'uow'>,
  principal: Principal,
  filter: { status?: Subscriber['status'] },
  page: PageRequest,
): Promise<Page<Subscriber>> {
  requirePermission(principal, 'subscribers.read');
  return deps.uow.read.subscribers.list(filter, page);
}
