/** What the directory use cases share: repositories, the source, the mapping, and the leaver action. */
import type { Clock } from '../../lib/clock.js';
import type { Principal } from '../access/index.js';
import type { AuditRepository } from '../audit/index.js';
import type { PublicationOutboxRepository } from '../publication/index.js';
import type { Subscriber, SubscriberRepository } from '../subscribers/index.js';
import type { UnitOfWork } from '../unit-of-work.js';
import type { AttributeMapping } from './model.js';
import type { DirectoryLinkRepository, DirectorySource } from './ports.js';

export interface DirectoryDeps {
  uow: UnitOfWork<{
    subscribers: SubscriberRepository; directoryLinks: DirectoryLinkRepository; publicationOutbox: PublicationOutboxRepository; audit: AuditRepository;
  }>;
  /** Null when no directory is configured. */
  source: DirectorySource | null;
  clock: Clock;
  mapping: AttributeMapping;
  /** `ldap.leavers`: `confirm` lists leavers for an operator; `auto` runs the leaver action at once. */
  leaverMode: 'confirm' | 'auto';
  /** What happens to a leaver (revoke what must go, disable the person); see leaver-action.ts. */
  leave(principal: Principal, subscriber: Subscriber, reason: string): Promise<void>;
}
