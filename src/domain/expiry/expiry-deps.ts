/** What the expiry use cases need: storage, time, policy, and (to deliver) the channels and actions. */
import type { Clock } from '../../lib/clock.js';
import type { AuditRepository } from '../audit/index.js';
import type { CertificateRepository } from '../inventory/index.js';
import type { Mailer } from '../outbound-mail.js';
import type { SubscriberRepository } from '../subscribers/index.js';
import type { UnitOfWork } from '../unit-of-work.js';
import type { ExpiryAction } from './expiry-action.js';
import type { ExpirySettings } from './model.js';
import type { ExpiryRepository, WebhookSender } from './ports.js';

export interface ExpiryDeps {
  uow: UnitOfWork<{ expiry: ExpiryRepository; audit: AuditRepository; subscribers: SubscriberRepository; certificates: CertificateRepository }>;
  clock: Clock;
  settings: ExpirySettings;
}

export interface DeliveryDeps extends ExpiryDeps {
  mailer: Mailer;
  webhooks: WebhookSender;
  /** The actions by name (`renew-escrow`, `remind-device`, `command`, `webhook`, or any added one). */
  actions: ReadonlyMap<string, ExpiryAction>;
  /** The public URL of mcms, for links in mails. */
  baseUrl: string;
}
