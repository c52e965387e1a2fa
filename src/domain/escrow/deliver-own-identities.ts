/**
 * Owner delivery (DESIGN.md step 3, 8): a person's current and past encryption identities as one
 * PKCS#12, legacy by default because Apple devices need it, so every device can read old mail. The
 * device-profile flow calls this for the person; operators call it for the person's helpdesk case.
 * Audited without the password.
 */
import type { Principal } from '../access/index.js';
import { requirePermission } from '../access/index.js';
import { recordAuditEvent } from '../audit/index.js';
import { DomainError } from '../errors.js';
import type { Subscriber } from '../subscribers/index.js';
import { findSubscriber, primaryMailbox } from '../subscribers/index.js';
import type { EscrowDeps, Pkcs12Variant } from './escrow-deps.js';
import type { EscrowErrorCode } from './errors.js';
import { identitiesOf, identityView } from './identity-history.js';
import { packageIdentities } from './identity-package.js';
import type { EncryptionIdentity } from './model.js';

export interface OwnDelivery {
  pkcs12: Buffer;
  password: string;
  identities: EncryptionIdentity[];
}

export async function deliverOwnEncryptionIdentities(
  deps: EscrowDeps,
  principal: Principal,
  subscriberKey: string | Subscriber,
  options: { variant?: Pkcs12Variant | undefined } = {},
): Promise<OwnDelivery> {
  requirePermission(principal, 'certificates.issue');
  const subscriber = typeof subscriberKey === 'string' ? await findSubscriber(deps.uow.read.subscribers, subscriberKey) : subscriberKey;
  const mailbox = primaryMailbox(subscriber);
  const pairs = await identitiesOf(deps, subscriber);
  if (pairs.length === 0) throw new DomainError<EscrowErrorCode>('escrow.not-found', `${mailbox} has no escrowed encryption identity`);
  const variant = options.variant ?? deps.settings.pkcs12Variant;
  const delivered = await packageIdentities(deps, principal.actor, { mailbox, pairs, variant });
  await deps.uow.transaction((tx) => recordAuditEvent(tx.audit, deps.clock, principal.actor, {
    action: 'escrow.deliver', target: mailbox,
    details: { variant, serials: pairs.map((p) => p.record.certificateSerial), current: pairs.find((p) => p.record.status === 'current')?.record.certificateSerial ?? null },
  }));
  return { ...delivered, identities: pairs.map((p) => identityView(p.record, p.certificate)) };
}
